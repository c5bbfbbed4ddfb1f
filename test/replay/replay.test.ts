import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Step, Workflow } from "../../src/engine/steps";
import { orderConfig } from "../../src/order/config";
import type { Order } from "../../src/order/order";
import { createServices } from "../../src/order/services";
import { orderWorkflows } from "../../src/order/versions";
import { type Fixture, replay } from "./replay";

// Every recorded journal of every version (test/replay/fixtures, made by `npm run record-fixtures`)
// is replayed against that version's code, as a wake after a deploy would replay an order in flight.

const FIXTURES = Object.values(
	import.meta.glob<Fixture>("./fixtures/v*/*.json", { eager: true, import: "default" }),
).sort((a, b) => a.version - b.version || a.name.localeCompare(b.name));

/** The code of every version, built with `settings` on top of the test bindings (a deploy's). */
function workflowsWith(settings: Record<string, string> = {}) {
	const config = orderConfig({ ...env, ...settings });
	return orderWorkflows(
		createServices(config, () => "default"),
		config.pickDeadlineMs,
	) as Record<number, Workflow<unknown>>;
}
const WORKFLOWS = workflowsWith();

/**
 * The deploys an order in flight may meet between two attempts: the secret rotated as the README says
 * (the new one first), the public URL moved. What it pinned at its first attempt, it sends again.
 */
const DEPLOYS = {
	"a rotated CALLBACK_SECRET": { CALLBACK_SECRET: `rotated:a-brand-new-secret-0123456789,${env.CALLBACK_SECRET}` },
	"a moved PUBLIC_BASE_URL": { PUBLIC_BASE_URL: "https://orders.moved.example" },
};

/** Journals recorded since steps pin what they take from configuration; the earlier ones replay as they were. */
const pinning = (f: Fixture) => !f.name.startsWith("before-pinning-");

const ADVICE =
	'An order in flight would now do something else. Keep this version as it is and add a new one in src/order/versions.ts (see "Changing the workflow" in the README).';

describe("replaying recorded journals against the code of their version", () => {
	it("has recordings of every version the code has, and code for every version recorded", () => {
		const recorded = new Set(FIXTURES.map((f) => f.version));
		for (const version of Object.keys(WORKFLOWS).map(Number))
			expect(recorded.has(version), `version ${version} has no recordings: run npm run record-fixtures`).toBe(true);
		for (const version of recorded)
			expect(
				WORKFLOWS[version],
				`test/replay/fixtures/v${version} is for a version the code no longer has: delete it (GET /workflow-versions shows when nothing is in flight on it)`,
			).toBeDefined();
		expect(FIXTURES.length).toBeGreaterThanOrEqual(5);
	});

	it.each(FIXTURES.map((f) => [`v${f.version} ${f.name}`, f] as const))("%s replays exactly", async (_, fixture) => {
		const workflow = WORKFLOWS[fixture.version];
		if (!workflow) return;
		expect(await replay(fixture, workflow), ADVICE).toEqual([]);
	});
});

/** Version 1 with one step renamed, as an edit in place would have it. */
function renamed(workflow: Workflow<unknown>, from: string, to: string): Workflow<unknown> {
	return {
		...workflow,
		run: (input, step) =>
			workflow.run(input, {
				...step,
				run: (name, action, options) => step.run(name === from ? to : name, action, options),
			} as Step),
	};
}

describe("replaying recorded journals after a deploy that changed the configuration", () => {
	const cases = Object.entries(DEPLOYS).flatMap(([deploy, settings]) =>
		FIXTURES.filter(pinning).map((f) => [`${deploy}: v${f.version} ${f.name}`, f, settings] as const),
	);
	it.each(cases)("%s replays exactly", async (_, fixture, settings) => {
		const workflow = workflowsWith(settings)[fixture.version];
		if (!workflow) return;
		expect(await replay(fixture, workflow), ADVICE).toEqual([]);
	});

	it("catches a step that reads its configuration again at a retry instead of what it pinned", async () => {
		const waiting = FIXTURES.find((f) => f.name === "waiting-for-pick") as Fixture;
		// The journal as a step that pins nothing would have left it: every retry then signs anew.
		const unpinned = {
			...waiting,
			entries: waiting.entries.map((e) => (e.type === "step_started" ? { ...e, pinned: undefined } : e)),
		};
		const workflow = workflowsWith(DEPLOYS["a moved PUBLIC_BASE_URL"])[1] as Workflow<unknown>;
		expect((await replay(unpinned, workflow))[0]).toMatch(
			/step "schedule-shipping" now sends .*orders\.moved\.example/,
		);
	});
});

describe("the replay check catches an edit in place", () => {
	const v1 = WORKFLOWS[1] as Workflow<unknown>;
	const happy = FIXTURES.find((f) => f.version === 1 && f.name === "happy-path") as Fixture;
	const compensated = FIXTURES.find((f) => f.version === 1 && f.name === "compensated") as Fixture;

	it("a renamed step: charge-payment became charge", async () => {
		expect(await replay(happy, renamed(v1, "charge-payment", "charge"))).toEqual([
			'version 1, recording "happy-path": the code now runs step "charge" where the journal has "charge-payment"',
		]);
	});

	it("a step that sends another body under a key already used", async () => {
		const order = happy.order as Order;
		const cheaper = { ...happy, order: { ...order, items: [{ ...order.items[0], unitPriceCents: 1 }] } };
		const problems = await replay(cheaper, v1);
		expect(problems[0]).toMatch(
			/step "charge-payment" now sends .* under key fixture-happy-path:charge-payment, which received/,
		);
	});

	it("version 2 made in place of version 1: an order waiting for the pick alone would wait for either answer", async () => {
		// The shipment sends what its first attempt pinned (no cannot-pick URL), so only the wait gives it away.
		expect(await replay(happy, WORKFLOWS[2] as Workflow<unknown>)).toEqual([
			'version 1, recording "happy-path": the code now runs step "warehouse-picked|warehouse-cannot-pick" where the journal has "warehouse-picked"',
		]);
	});

	it("an undo that is no longer there", async () => {
		const withoutUndo: Workflow<unknown> = {
			...v1,
			run: (input, step) => v1.run(input, { ...step, run: (name, action) => step.run(name, action) } as Step),
		};
		expect(await replay(compensated, withoutUndo)).toEqual([
			'version 1, recording "compensated": the code now undoes nothing where the journal has "charge-payment:undo"',
		]);
	});
});
