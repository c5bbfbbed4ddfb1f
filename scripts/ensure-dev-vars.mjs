// `npm run dev` works on a fresh clone: each Worker's .dev.vars starts as a copy of its documented example.
// An older .dev.vars is left alone, but the settings it lacks are named, so a new setting is not missed.
import { copyFileSync, existsSync, readFileSync } from "node:fs";

const names = (file) =>
	readFileSync(file, "utf8")
		.split("\n")
		.map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line.trim())?.[1])
		.filter(Boolean);

for (const dir of [".", "sandbox"]) {
	const target = `${dir}/.dev.vars`;
	const example = `${target}.example`;
	if (!existsSync(target)) {
		copyFileSync(example, target);
		console.log(`created ${target} from ${example}`);
		continue;
	}
	const have = new Set(names(target));
	const missing = names(example).filter((name) => !have.has(name));
	if (missing.length > 0)
		console.warn(`${target} lacks ${missing.join(", ")}: see ${example} (or delete ${target} to start from it)`);
}
