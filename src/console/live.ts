import { JournalEvent } from "../engine/events";

/** Every event type the stream names (its `event:` field): EventSource delivers a named event only to its own listeners. */
export const EVENT_TYPES = JournalEvent.options.map((event) => event.shape.type.value).join(" ");

/**
 * The order page's one script. It follows the order's event stream (the console's cookie-authenticated
 * copy of the API's), and after each burst of events fetches the live sections again and swaps them in
 * by id (all but a form being filled in): the page never reloads, and what it shows is what the
 * order's object says. Without JavaScript the page still works; it is then as fresh as its last load.
 */
export const LIVE_SCRIPT = `(() => {
	const root = document.getElementById("live-state");
	if (!root || !("EventSource" in window)) return;
	let timer;
	let running = false;
	let again = false;
	let opened = false;
	const say = (text) => { root.textContent = text; };
	// A form a person is filling in stays as it is: its next refresh comes with the next event.
	const inUse = (part) =>
		part.contains(document.activeElement) ||
		[...part.querySelectorAll("input:not([type=hidden])")].some((input) => input.value !== "");
	async function refresh() {
		if (running) { again = true; return; }
		running = true;
		try {
			const response = await fetch(root.dataset.sections, { credentials: "same-origin", cache: "no-store" });
			if (response.status === 401) { location.reload(); return; }
			if (!response.ok) { say("Could not refresh (" + response.status + "); trying again on the next event."); return; }
			const template = document.createElement("template");
			template.innerHTML = await response.text();
			for (const part of template.content.querySelectorAll("[data-live]")) {
				const shown = document.getElementById(part.id);
				if (shown && !inUse(shown)) shown.replaceWith(part);
			}
			root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
		} catch (error) {
			say("Could not refresh (" + error + "); trying again on the next event.");
		} finally {
			running = false;
			if (again) { again = false; refresh(); }
		}
	}
	const schedule = () => { clearTimeout(timer); timer = setTimeout(refresh, 100); };
	const source = new EventSource(root.dataset.events);
	for (const type of root.dataset.types.split(" ")) source.addEventListener(type, schedule);
	source.addEventListener("open", () => {
		say("Live: this page follows the order as it changes.");
		// After a reconnect the stream resumes where it left off; one refresh covers anything in between.
		if (opened) schedule();
		opened = true;
	});
	source.addEventListener("error", () => {
		say(source.readyState === EventSource.CLOSED ? "Not live any more: reload the page." : "Reconnecting…");
	});
})();`;
