/** A button that copies `text` to the clipboard (the page's copy script); without script, the text is there to select. */
export const CopyButton = ({ text, what }: { text: string; what: string }) => (
	<button type="button" class="copy" data-copy={text} aria-label={`Copy ${what}`}>
		Copy
	</button>
);

/** A value shown as code, with its copy button. */
export const Copyable = ({ text, what }: { text: string; what: string }) => (
	<>
		<code>{text}</code>
		<CopyButton text={text} what={what} />
	</>
);

/**
 * The copy buttons' script: one listener on the document, so the buttons of live sections swapped in
 * later work too. The button says whether it worked, for a person who cannot see the clipboard.
 */
export const COPY_SCRIPT = `(() => {
	document.addEventListener("click", async (event) => {
		const button = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
		if (!button) return;
		try {
			await navigator.clipboard.writeText(button.dataset.copy);
			button.textContent = "Copied";
		} catch {
			button.textContent = "Select and copy";
		}
		setTimeout(() => { button.textContent = "Copy"; }, 2000);
	});
})();`;
