import { readFileSync } from "node:fs";

/**
 * Reads a wrangler.jsonc: drops comments and trailing commas outside strings, then JSON.parse.
 * The bench reads the orchestrator's config (vars, secrets, D1) rather than restating it.
 */
export function readJsonc(path) {
	const text = readFileSync(path, "utf8");
	let out = "";
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') {
			const start = i;
			for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
			out += text.slice(start, i + 1);
		} else if (c === "/" && text[i + 1] === "/") {
			while (i < text.length && text[i] !== "\n") i++;
			out += "\n";
		} else if (c === "/" && text[i + 1] === "*") {
			i = text.indexOf("*/", i + 2) + 1;
			if (i === 0) break;
		} else {
			out += c;
		}
	}
	return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}
