import { describe, expect, it } from "vitest";
import { deployedUrlProblem } from "../../src/config/deployment";

// The checkout's own files, read at build time by Vite (the tests run in workerd, which has no file system).
const files = import.meta.glob<string>(["../../wrangler.jsonc", "../../package.json", "../../README.md"], {
	query: "?raw",
	import: "default",
	eager: true,
});
const text = (name: string) => files[`../../${name}`] ?? "";

/** JSONC without its comments: `//` to the end of a line, outside strings (URLs have `//` too). */
function parseJsonc(source: string): Record<string, unknown> {
	let out = "";
	let inString = false;
	for (let i = 0; i < source.length; i++) {
		const c = source[i];
		if (inString) {
			out += c;
			if (c === "\\") out += source[++i];
			else if (c === '"') inString = false;
		} else if (c === '"') {
			inString = true;
			out += c;
		} else if (c === "/" && source[i + 1] === "/") {
			while (i < source.length && source[i] !== "\n") i++;
			out += "\n";
		} else out += c;
	}
	return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

type Bindings = {
	vars: Record<string, string>;
	d1_databases: { binding: string; database_name: string }[];
	queues: { producers: { queue: string }[]; consumers: { queue: string; dead_letter_queue?: string }[] };
	ratelimits: { name: string; namespace_id: string }[];
	durable_objects: { bindings: { name: string }[] };
	triggers: { crons: string[] };
};

const config = parseJsonc(text("wrangler.jsonc")) as Bindings & { env: Record<string, Bindings> };
const resources = (b: Bindings) =>
	new Set([
		...b.d1_databases.map((d) => `d1:${d.database_name}`),
		...b.queues.consumers.flatMap((q) => [
			`queue:${q.queue}`,
			...(q.dead_letter_queue ? [`queue:${q.dead_letter_queue}`] : []),
		]),
		...b.ratelimits.map((r) => `ratelimit:${r.namespace_id}`),
	]);

describe("a first deploy cannot go out half-configured", () => {
	it("staging and production are environments of their own, apart from the local settings and each other", () => {
		expect(Object.keys(config.env).sort()).toEqual(["production", "staging"]);
		expect(config.vars.ENVIRONMENT).toBe("local");
		const seen = new Map<string, string>();
		for (const [name, env] of [["local", config] as const, ...Object.entries(config.env)]) {
			if (name !== "local") expect(env.vars.ENVIRONMENT).toBe(name);
			// wrangler inherits none of these: an environment without one would run without it.
			expect(env.durable_objects.bindings.map((b) => b.name)).toEqual(
				config.durable_objects.bindings.map((b) => b.name),
			);
			expect(env.ratelimits.map((r) => r.name)).toEqual(config.ratelimits.map((r) => r.name));
			expect(env.queues.producers).toHaveLength(config.queues.producers.length);
			expect(env.triggers.crons).toEqual(config.triggers.crons);
			for (const resource of resources(env)) {
				expect(seen.get(resource), `${resource} of ${name}`).toBeUndefined();
				seen.set(resource, name);
			}
		}
	});

	it("no deployed environment points at this machine; its placeholders are refused until replaced", () => {
		for (const env of Object.values(config.env))
			for (const [name, value] of Object.entries(env.vars))
				if (name.endsWith("_URL")) expect(deployedUrlProblem(value), name).toContain("placeholder");
	});

	it("the README's commands run on the Node it names: through npm run, with engines saying Node 22", () => {
		const pkg = JSON.parse(text("package.json")) as {
			engines: { node: string };
			devDependencies: Record<string, string>;
			scripts: Record<string, string>;
		};
		expect(pkg.engines.node).toBe(">=22");
		expect(pkg.devDependencies.node).toMatch(/^\^22\./);
		const shell = [...text("README.md").matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
		expect(shell).not.toMatch(/\bnpx\b/);
		expect(shell).not.toMatch(/--experimental-strip-types/);
		// The walk-through can be pasted twice: a fresh order each time, and no wait without an end.
		expect(shell).toContain('ORDER="demo-$(date +%s)"');
		expect(shell).not.toMatch(/\buntil\b/);
		// Offline, npm run dev does not try to fetch Request.cf from workers.cloudflare.com.
		expect(pkg.scripts.dev).toContain("CLOUDFLARE_CF_FETCH_ENABLED=false");
		expect(pkg.scripts.deploy).toContain("exit 1");
		expect(pkg.scripts["deploy:production"]).toMatch(
			/check-config.*migrations apply DB --remote --env production.*deploy --env production/,
		);
	});
});
