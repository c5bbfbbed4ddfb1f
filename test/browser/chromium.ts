import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const executable = (path: string) => {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

/** The Chromium the browser tests drive: `CHROMIUM_PATH`, Debian's /usr/bin/chromium, or `chromium` on the PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
	const onPath = (env.PATH ?? "")
		.split(delimiter)
		.filter(Boolean)
		.map((dir) => join(dir, "chromium"));
	const candidates = [env.CHROMIUM_PATH, "/usr/bin/chromium", ...onPath];
	return candidates.find((path): path is string => !!path && executable(path)) ?? null;
}

/** The one line a run without Chromium prints. */
export const NO_CHROMIUM =
	"!!! BROWSER TESTS SKIPPED: no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, chromium on PATH). Install it: sudo apt-get install -y chromium !!!";
