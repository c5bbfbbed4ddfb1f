import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { ROOT } from "./processes.mjs";

const versionOf = (pkg, from = `${ROOT}package.json`) => {
	try {
		return JSON.parse(readFileSync(createRequire(from).resolve(`${pkg}/package.json`), "utf8")).version;
	} catch {
		return null;
	}
};

/** The machine and toolchain the numbers came from. */
export function machine() {
	return {
		cpus: os.availableParallelism(),
		cpuModel: os.cpus()[0]?.model ?? null,
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		os: `${os.type()} ${os.release()}`,
		node: process.version,
		wrangler: versionOf("wrangler"),
		// wrangler runs the workerd it depends on, which may be newer than the project's own.
		workerd: versionOf("workerd", `${ROOT}node_modules/wrangler/package.json`),
	};
}
