import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Observation } from "./case";
import { Checker } from "./checker";
import { EFFECT_THEN_ERROR } from "./faults";
import { matrixCase, type Scenario, scenarios, UNASKED, unaskedCase } from "./matrix";
import { runPool } from "./pool";
import { muteInjectedCrashLogs } from "./quiet";
import { failureSummary } from "./report";
import { chaosSettings, rerunCommand } from "./settings";
import type { VerifyMeasure } from "./summary";

const settings = chaosSettings();
let unmute: () => void;
beforeAll(() => {
	unmute = muteInjectedCrashLogs();
});
afterAll(() => unmute());

/** The matrix's single-fault cases of one kind family, each uncrashed. */
const singleFault = (kinds: readonly string[]) =>
	scenarios(settings.profile).filter(
		(s) => s.faults.length === 1 && s.faults.every((f) => !f.asked && kinds.includes(f.kind)),
	);

/** Needs a person only because an outcome stayed unknown. */
/**
 * Needs a person only because an outcome stayed unknown: the step its failure names ended in doubt: a
 * forward step (`outcome_unknown`), an undo whose last attempt may have taken effect, or the confirmation
 * after the point of no return (the order completed, needing attention).
 */
function unknownToTheEnd({ status }: Observation): boolean {
	if (!status?.needsAttention || !status.failure) return false;
	const { step, code } = status.failure;
	return code === "outcome_unknown" || status.steps.find((s) => s.name === step)?.lastError?.kind === "unknown_outcome";
}

const count = (orders: Observation[]) => {
	const outcomes: Record<string, number> = {};
	for (const o of orders) outcomes[o.status?.status ?? "absent"] = (outcomes[o.status?.status ?? "absent"] ?? 0) + 1;
	return { unknown: orders.filter(unknownToTheEnd).length, outcomes };
};

describe(`chaos verify (${settings.profile} profile)`, () => {
	it(
		"asking services removes the needs-attention orders of effect_then_error, and the fence refuses every late original",
		async ({ task }) => {
			const focused = settings.onlyCase !== null || settings.onlyOrder !== null || settings.onlyFleet !== null;
			const effectThenError = focused ? [] : singleFault(EFFECT_THEN_ERROR);
			const late = focused ? [] : singleFault(["arrives_late"]);
			const checker = new Checker("verify", settings, 2 * effectThenError.length + late.length);
			const run = (spec: ReturnType<typeof matrixCase>) =>
				checker.check(spec, rerunCommand(settings, { caseId: spec.id }));
			const first = async (s: Scenario, unasked: boolean) => {
				const obs = await run(unasked ? unaskedCase(s) : matrixCase(s, null));
				return obs.orders[0] as Observation;
			};
			const asked = await runPool(effectThenError, settings.concurrency, (s) => first(s, false));
			const unasked = await runPool(effectThenError, settings.concurrency, (s) => first(s, true));
			const races = await runPool(late, settings.concurrency, (s) => first(s, false));

			const withVerify = count(asked);
			const withoutVerify = count(unasked);
			const originals = races.flatMap((o) => o.ledger.requests.filter((r) => r.fault === "arrive_late"));
			const told = (o: Observation | undefined) =>
				o
					? `${o.status?.status ?? "absent"}${o.status?.needsAttention ? " (needs attention)" : ""}${unknownToTheEnd(o) ? " *" : ""}`
					: "-";
			const byCase = Object.fromEntries(
				effectThenError.map((s, i) => [s.id, { withVerify: told(asked[i]), withoutVerify: told(unasked[i]) }]),
			);
			const measure: VerifyMeasure = {
				cases: effectThenError.length,
				needsAttentionUnknown: {
					withVerify: withVerify.unknown,
					withoutVerify: withoutVerify.unknown,
					removed: withoutVerify.unknown - withVerify.unknown,
				},
				outcomes: { withVerify: withVerify.outcomes, withoutVerify: withoutVerify.outcomes },
				lateOriginals: {
					cases: races.length,
					fenced: originals.filter((r) => r.code === "idempotency_key_fenced").length,
					arrivedFirst: originals.filter((r) => r.code !== "idempotency_key_fenced").length,
				},
				byCase,
			};
			const meta = { ...checker.meta(), verify: measure };
			Object.assign(task.meta, { chaos: meta });
			console.log(`[chaos] verify: ${JSON.stringify(measure)}`);
			expect(
				checker.failures.map((f) => f.id),
				failureSummary("verify", checker.failures),
			).toEqual([]);
			if (focused) return;
			// A charge applied, then answered 502 on every attempt, completes with one charge and no person.
			const charged = asked.find((o) => o.spec.id === "charge.error_after.always@none");
			expect(charged?.status).toMatchObject({ status: "completed", needsAttention: false });
			expect(charged?.ledger.charges).toHaveLength(1);
			// Without verify that order was a person's; with it, none of the family's is only for a lost answer.
			expect(unasked.find((o) => o.spec.id === `charge.error_after.always${UNASKED}@none`)?.status?.status).toBe(
				"needs_attention",
			);
			expect(measure.needsAttentionUnknown.withVerify).toBe(0);
			expect(measure.needsAttentionUnknown.removed).toBeGreaterThan(0);
			// The harness makes the race the fence is for: originals arriving after the question, each refused.
			expect(measure.lateOriginals.fenced).toBeGreaterThan(0);
		},
		20 * 60_000,
	);
});
