// `npm run dev` works on a fresh clone: each Worker's .dev.vars starts as a copy of its documented example.
import { copyFileSync, existsSync } from "node:fs";

for (const dir of [".", "sandbox"]) {
	const target = `${dir}/.dev.vars`;
	if (!existsSync(target)) {
		copyFileSync(`${dir}/.dev.vars.example`, target);
		console.log(`created ${target} from ${target}.example`);
	}
}
