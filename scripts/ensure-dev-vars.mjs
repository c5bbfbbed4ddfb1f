// `npm run dev` works on a fresh clone: each Worker's .dev.vars starts as a copy of its documented example.
// An older .dev.vars is left alone, but the settings it lacks are named, so a new setting is not missed,
// and so are the ones `wrangler dev` will not load from it (only the secrets wrangler.jsonc requires).
import { copyFileSync, existsSync } from "node:fs";
import { readEnvFile, readWranglerConfig } from "./config-files.mjs";

const required = (await readWranglerConfig()).secrets?.required;

for (const dir of [".", "sandbox"]) {
	const target = `${dir}/.dev.vars`;
	const example = `${target}.example`;
	if (!existsSync(target)) {
		copyFileSync(example, target);
		console.log(`created ${target} from ${example}`);
		continue;
	}
	const have = Object.keys(readEnvFile(target));
	const missing = Object.keys(readEnvFile(example)).filter((name) => !have.includes(name));
	if (missing.length > 0)
		console.warn(`${target} lacks ${missing.join(", ")}: see ${example} (or delete ${target} to start from it)`);
	// With secrets.required in wrangler.jsonc, wrangler dev loads only those from .dev.vars, silently.
	const ignored = dir === "." && required ? have.filter((name) => !required.includes(name)) : [];
	if (ignored.length > 0)
		console.warn(
			`${target} sets ${ignored.join(", ")}, which npm run dev will not load: wrangler dev loads from .dev.vars only the secrets wrangler.jsonc requires (${required.join(", ")}). Put a var in wrangler.jsonc's "vars", or pass it with --var NAME:value.`,
		);
}
