// `npm run check-config [-- --env staging|production] [--env-file <file>] [--config <wrangler.jsonc>]`: the Worker's own check of
// its whole configuration (src/config/check.ts, bundled for Node), run on the settings a deployment
// would get: the vars of wrangler.jsonc for that environment, and the secrets of a file (.dev.vars
// locally, filtered as `wrangler dev` filters it; .secrets.<env> for a deployment, the same file
// `wrangler deploy --secrets-file` takes) or of the shell. Names each bad setting; exits 1 if any.
import { existsSync } from "node:fs";
import { build } from "esbuild";
import { readEnvFile, readWranglerConfig } from "./config-files.mjs";

const args = process.argv.slice(2);
const option = (name) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};
const env = option("--env");
const config = await readWranglerConfig(env, option("--config"));
const required = config.secrets?.required ?? [];
const secretNames = [...required, "DOWNSTREAM_API_KEY"];
const file = option("--env-file") ?? (env ? `.secrets.${env}` : ".dev.vars");
const fromFile = readEnvFile(file);
if (!existsSync(file) && !env)
	console.log(`check-config: ${file} does not exist yet (npm run dev creates it from .dev.vars.example)`);
// Locally, wrangler dev loads from .dev.vars only the secrets wrangler.jsonc requires: check what it loads.
const loaded = Object.fromEntries(Object.entries(fromFile).filter(([name]) => env || required.includes(name)));
const fromShell = Object.fromEntries(
	secretNames.filter((name) => process.env[name]).map((name) => [name, process.env[name]]),
);
const settings = { ...config.vars, ...loaded, ...fromShell };

const bundle = await build({
	stdin: {
		contents: 'export { findConfigProblems } from "./src/config/check";',
		resolveDir: process.cwd(),
		loader: "ts",
	},
	bundle: true,
	platform: "node",
	format: "esm",
	write: false,
	logLevel: "warning",
});
const { findConfigProblems } = await import(
	`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`
);

// A deployment's secrets live in Cloudflare: the ones not given here are not checked, and said so.
const unseen = env ? required.filter((name) => settings[name] === undefined) : [];
const problems = findConfigProblems(settings).filter((p) => !unseen.includes(p.setting));
const where = `${env ?? "local"}: vars from ${option("--config") ?? "wrangler.jsonc"}${env ? ` (env.${env})` : ""}, secrets from ${file}${Object.keys(fromShell).length > 0 ? " and the shell" : ""}`;
if (unseen.length > 0)
	console.log(
		`check-config (${where}): not checked, not given here: ${unseen.join(", ")} (put them in ${file} or the shell)`,
	);
if (problems.length === 0) {
	console.log(`check-config (${where}): the configuration is valid`);
} else {
	console.error(`check-config (${where}): ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
	for (const { setting, problem } of problems) console.error(`  ${setting}: ${problem}`);
	process.exit(1);
}
