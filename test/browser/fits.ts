import type { Page } from "playwright-core";

/**
 * Runs in the page (as text: the Node side has no DOM types). Hidden elements, the visually hidden
 * table heads and the insides of an SVG (drawn to its own scale) are not judged, nor a field's value
 * scrolling inside its box.
 */
const FIND_MISFITS = `(() => {
	const width = document.documentElement.clientWidth;
	const problems = [];
	const name = (el) => "<" + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "") + "> " +
		JSON.stringify((el.textContent || "").trim().slice(0, 40));
	if (document.documentElement.scrollWidth > width)
		problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " px wide in " + width);
	for (const el of document.body.querySelectorAll("*")) {
		if (el.closest("thead, svg > *")) continue;
		const style = getComputedStyle(el);
		if (style.display === "none" || style.visibility === "hidden") continue;
		const box = el.getBoundingClientRect();
		if (box.width === 0 && box.height === 0) continue;
		if (box.right > width + 0.5 || box.left < -0.5)
			problems.push(name(el) + " reaches past the viewport (" + Math.round(box.left) + ".." + Math.round(box.right) + ")");
		// A field scrolls its own value (a long id typed in it): only its box must fit.
		if (el instanceof HTMLElement && !el.matches("input, textarea, select") && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
			problems.push(name(el) + " overflows its box (" + el.scrollWidth + " px in " + el.clientWidth + ")");
	}
	return problems;
})()`;

/**
 * What does not fit the page's width, as a person would see it: the page scrolling sideways, an element
 * reaching past the viewport's edges, or an element whose content overflows its own box (clipped or
 * spilling text). An empty list: everything fits.
 */
export const misfits = (page: Page): Promise<string[]> => page.evaluate(FIND_MISFITS);
