// What the configuration scripts share: wrangler's own reading of wrangler.jsonc (environments,
// inheritance), and the secrets files as wrangler reads them (.dev.vars, a --secrets-file).
import { existsSync, readFileSync } from "node:fs";

/** wrangler.jsonc as wrangler resolves it for `env` (undefined: the top level, the local settings). */
export async function readWranglerConfig(env, path = "wrangler.jsonc") {
	const { unstable_readConfig } = await import("wrangler");
	return unstable_readConfig({ config: path, env }, { hideWarnings: true });
}

/** A dotenv file's settings (NAME=value; quotes dropped, comments and blank lines skipped); {} when absent. */
export function readEnvFile(file) {
	if (!existsSync(file)) return {};
	const settings = {};
	for (const line of readFileSync(file, "utf8").split("\n")) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
		if (!match) continue;
		const [, name, raw] = match;
		settings[name] = raw.trim().replace(/^(['"])(.*)\1$/, "$2");
	}
	return settings;
}
