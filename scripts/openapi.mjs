// `npm run contract`: writes the OpenAPI document the Worker serves to .build/openapi.json (the very
// routes and schemas, bundled for Node), lints it with Redocly, generates a client's types from it
// with openapi-typescript, and type-checks a place -> poll -> pick script written against them.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const OUT = ".build/openapi.json";
const TYPES = ".build/openapi-client.d.ts";
const quiet = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

const bundle = await build({
	stdin: { contents: 'export { openApiDocument } from "./src/api/app";', resolveDir: process.cwd(), loader: "ts" },
	bundle: true,
	platform: "node",
	format: "esm",
	write: false,
	logLevel: "warning",
});
const url = `data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`;
const { openApiDocument } = await import(url);
mkdirSync(".build", { recursive: true });
writeFileSync(OUT, `${JSON.stringify(openApiDocument(), null, "\t")}\n`);
console.log(`contract: wrote ${OUT}`);

const run = (command, args) => execFileSync(command, args, { stdio: "inherit", env: quiet });
run("node_modules/.bin/redocly", ["lint", OUT, "--config", "redocly.yaml"]);
run("tools/contract/node_modules/.bin/openapi-typescript", [OUT, "--output", TYPES]);
run("tools/contract/node_modules/.bin/tsc", ["--noEmit", "-p", "tools/contract/tsconfig.json"]);
console.log("contract: the document lints clean, and a client generated from it type-checks");
