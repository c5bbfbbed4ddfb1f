import { EFFECTS } from "../../sandbox/src/effects";
import { FinalStatus } from "../../src/engine/events";
import type { Ledger } from "../helpers";
import { attemptsOf } from "./attempts";
import { type Observation, orderFor, type Violation } from "./case";
import { OPERATION_NAMES, OPERATIONS, type Operation } from "./faults";
import { operatorHolds } from "./operator-checks";
import { differences, expectedAlerts, expectedProjection } from "./projection";
import { answeredDoubt, cannotPickUndoes, doubtAfter, fenceOnlyLate, questionTimers } from "./verify-checks";

/** The sandbox ledger's effect list of each operation the order workflow calls. */
export const EFFECT_OF: Record<Operation, keyof Omit<Ledger, "requests">> = EFFECTS;

/** Where an order may rest for good: nothing will run again unless a person acts. */
export const TERMINAL = new Set<string>(FinalStatus.options);

/**
 * What an order holds when it rests in each status: 1 = charged the total, stock reserved, shipment
 * booked; 0 = all of it undone. needs_attention and resolved are absent on purpose: there a person
 * decides, so any balance is allowed.
 */
const HOLDS: Record<string, 0 | 1 | undefined> = { completed: 1, waiting: 1, compensated: 0, cancelled: 0 };

type Check = (obs: Observation) => Violation[];

/** RETENTION_DAYS of the tests: the default, 30 days. */
const RETENTION_MS = 30 * 86_400_000;
const v = (invariant: string, message: string): Violation => ({ invariant, message });

/** (1) No effect twice: at most one of each kind per order, whatever was retried or replayed. */
const noDoubleEffect: Check = ({ ledger }) =>
	OPERATION_NAMES.filter((op) => ledger[EFFECT_OF[op]].length > 1).map((op) =>
		v("no-double-effect", `${ledger[EFFECT_OF[op]].length} ${EFFECT_OF[op]}`),
	);

const amount = (effects: Ledger["charges"]) => effects.reduce((sum, e) => sum + Number(e.data.amountCents ?? 0), 0);

/**
 * (2) Money and (3) stock and shipment follow the status: all held when completed or waiting. When
 * compensated or cancelled, every effect the services applied was undone ("undone"): an effect that
 * may remain is the order's to report as needing attention, never to leave behind silently.
 */
const balances: Check = ({ status, ledger }) => {
	const holds = status ? HOLDS[status.status] : undefined;
	if (!status || holds === undefined) return [];
	const out: Violation[] = [];
	const name = (kind: string) => (holds === 0 ? "undone" : kind);
	const net = amount(ledger.charges) - amount(ledger.refunds);
	const want = holds * status.totalCents;
	if (net !== want) out.push(v(name("money"), `${status.status} but charged - refunded = ${net}, not ${want}`));
	const stock = ledger.reservations.length - ledger.releases.length;
	if (stock !== holds) out.push(v(name("stock"), `${status.status} but reserved - released = ${stock}, not ${holds}`));
	const shipped = ledger.shipments.length - ledger.shipmentCancellations.length;
	if (shipped !== holds)
		out.push(v(name("stock"), `${status.status} but shipments - cancellations = ${shipped}, not ${holds}`));
	// A confirmation goes out only past the point of no return: never for an undone or waiting order, always for a clean completion.
	const emails = status.status === "completed" ? (status.failure === null ? 1 : null) : 0;
	if (emails !== null && ledger.emails.length !== emails)
		out.push(v("confirmation", `${status.status} but ${ledger.emails.length} confirmation emails, not ${emails}`));
	return out;
};

/** (4) Every order rests: terminal, or waiting for the warehouse with an alarm set for its deadline. */
const settledCheck: Check = ({ status, alarm, accepted, ledger }) => {
	if (!status) {
		if (accepted) return [v("settled", "the order was acknowledged to the client but does not exist")];
		const effects = OPERATION_NAMES.filter((op) => ledger[EFFECT_OF[op]].length > 0);
		return effects.length > 0 ? [v("settled", `no order, yet effects: ${effects.join(", ")}`)] : [];
	}
	if (TERMINAL.has(status.status)) return [];
	if (status.status === "waiting") {
		if (alarm === null) return [v("settled", "waiting with no alarm set")];
		// The alarm is what records the reminder and the missed deadline: set later, the deadline would slip.
		const deadline = Date.parse(status.waitingFor?.deadline ?? "");
		return alarm > deadline
			? [v("settled", `waiting, but the alarm (${new Date(alarm).toISOString()}) is after the deadline`)]
			: [];
	}
	return [v("settled", `ended ${status.status} (alarm ${alarm === null ? "none" : new Date(alarm).toISOString()})`)];
};

/**
 * (5) Completed steps never ran again, and the journal's attempts match the requests the sandbox saw
 * under the step's key. Legitimate differences, and only these, are allowed: an attempt may leave no
 * request if its outcome is unknown (it timed out before reaching the service, or a crash cut it off
 * after its intent was written and before the call left); a request may never lack a journaled attempt
 * (the output gate holds every call until its intent is durable). So, per step:
 * answered attempts <= requests <= started attempts; no attempt after the step succeeded; attempts
 * numbered 1, 2, 3...; at most maxAttempts per budget (a redrive opens a new one); none left open once
 * the order rests.
 */
const noRerun: Check = (obs) => {
	const out: Violation[] = [];
	for (const op of OPERATION_NAMES) {
		const step = OPERATIONS[op].step;
		const requests = obs.ledger.requests.filter((r) => r.operation === op).length;
		const a = attemptsOf(obs.history, step);
		if (requests > a.started)
			out.push(v("no-rerun", `${step}: ${requests} requests reached the service, only ${a.started} attempts started`));
		if (requests < a.answered)
			out.push(v("no-rerun", `${step}: ${a.answered} attempts got an answer, only ${requests} requests reached it`));
		for (const problem of a.problems) out.push(v("no-rerun", `${step}: ${problem}`));
		// A terminated order runs nothing again, so an attempt a crash cut off stays open: nothing is owed on it.
		if (a.open > 0 && obs.status && settledStatus(obs.status.status) && obs.status.status !== "terminated")
			out.push(v("no-rerun", `${step}: ${a.open} attempt(s) still open while the order is ${obs.status.status}`));
	}
	return out;
};

const settledStatus = (status: string) => TERMINAL.has(status) || status === "waiting";

/** (6) Idempotency keys are stable: one key per step, `<orderId>:<step>`, on every request and in the journal. */
const stableKeys: Check = ({ spec, ledger, history }) => {
	const out: Violation[] = [];
	for (const op of OPERATION_NAMES) {
		const key = `${spec.orderId}:${OPERATIONS[op].step}`;
		const wrong = new Set(
			ledger.requests.filter((r) => r.operation === op && r.idempotencyKey !== key).map((r) => r.idempotencyKey),
		);
		if (wrong.size > 0) out.push(v("stable-keys", `${op} requests carried ${[...wrong].join(", ")}, not ${key}`));
	}
	for (const entry of history) {
		if (entry.type === "step_started" && entry.idempotencyKey !== `${spec.orderId}:${entry.step}`)
			out.push(v("stable-keys", `journal: ${entry.step}#${entry.attempt} started with key ${entry.idempotencyKey}`));
	}
	// The sandbox refuses a key that comes back with another body: the retry was not the same request.
	for (const r of ledger.requests.filter((r) => r.code === "idempotency_key_reused"))
		out.push(v("stable-keys", `${r.operation} under ${r.idempotencyKey} was sent again with a different body`));
	return out;
};

/**
 * A step the journal says succeeded (an answer, or its service saying applied) has its effect in the
 * ledger; one its service said was absent has none.
 */
const journalMatchesEffects: Check = ({ ledger, history }) =>
	OPERATION_NAMES.filter((op) => {
		const step = OPERATIONS[op].step;
		const applied = history.some(
			(e) =>
				(e.type === "step_succeeded" && e.step === step) ||
				(e.type === "step_verified" && e.step === step && e.answer === "applied"),
		);
		const absent = history.some((e) => e.type === "step_verified" && e.step === step && e.answer === "absent");
		return (applied && ledger[EFFECT_OF[op]].length !== 1) || (absent && !applied && ledger[EFFECT_OF[op]].length > 0);
	}).map((op) =>
		v(
			"journal-effects",
			`${OPERATIONS[op].step}'s journal disagrees with the ledger's ${ledger[EFFECT_OF[op]].length} ${EFFECT_OF[op]}`,
		),
	);

/**
 * The journal is one append-only sequence (seq 1, 2, 3... with no gap or repeat, even when a crash
 * lost a write), and once the workflow finished nothing happens to it but operator actions,
 * notification bookkeeping and the erasure of personal data: no late pick, no step, no second finish (unless a redrive reopened it).
 */
const journalShape: Check = ({ history }) => {
	const out: Violation[] = [];
	history.forEach((entry, i) => {
		if (entry.seq !== i + 1) out.push(v("journal", `entry ${i + 1} has seq ${entry.seq}`));
	});
	let finished = false;
	for (const entry of history) {
		if (entry.type === "operator_action" && entry.action === "retry") finished = false;
		else if (finished && !["operator_action", "notifications_sent", "data_erased"].includes(entry.type))
			out.push(v("journal", `#${entry.seq} ${entry.type} after the workflow finished`));
		if (entry.type === "workflow_finished") finished = true;
	}
	return out;
};

/**
 * Nothing timer-driven is recorded before its due time: a retry not before its `retryAt` (a redrive
 * makes it due at once), a reminder not before its time, a missed deadline not before the deadline,
 * a stuck alert not before the SLA. Together with "clock" (no entry stamped ahead of the order's
 * clock, checked at every write) this holds whatever instance handles the alarm.
 */
const timers: Check = ({ history }) => {
	const out: Violation[] = [];
	const retryDue = new Map<string, number>();
	const stuckDue = new Map<string, number>();
	const waits = new Map<string, { deadline: number; remindAt: number }>();
	const early = (what: string, at: number, due: number) =>
		out.push(
			v(
				"timers",
				`${what} recorded at ${new Date(at).toISOString()}, before its due time ${new Date(due).toISOString()}`,
			),
		);
	for (const entry of history) {
		const at = Date.parse(entry.at);
		switch (entry.type) {
			case "step_started": {
				const due = retryDue.get(entry.step);
				if (due !== undefined && at < due) early(`${entry.step}#${entry.attempt}`, at, due);
				retryDue.delete(entry.step);
				if (entry.stuckAt !== undefined) stuckDue.set(entry.step, Date.parse(entry.stuckAt));
				break;
			}
			case "step_failed": {
				if (entry.retryAt !== null) retryDue.set(entry.step, Date.parse(entry.retryAt));
				const wait = waits.get(entry.step);
				if (wait && entry.error.code !== "cancelled" && at < wait.deadline)
					early(`the missed ${entry.step}`, at, wait.deadline);
				break;
			}
			case "operator_action":
				if (entry.action === "retry") for (const step of entry.steps) retryDue.set(step, at);
				break;
			case "step_stuck": {
				const due = stuckDue.get(entry.step);
				if (due !== undefined && at < due) early(`${entry.step} stuck`, at, due);
				break;
			}
			case "event_waiting":
				waits.set(entry.step, { deadline: Date.parse(entry.deadline), remindAt: Date.parse(entry.remindAt) });
				break;
			case "event_reminder": {
				const wait = waits.get(entry.step);
				if (wait && at < wait.remindAt) early(`the ${entry.step} reminder`, at, wait.remindAt);
				break;
			}
		}
	}
	return out;
};

/** A pick answered 202 commits the order: it never ends cancelled or compensated, nothing shipped is cancelled, and no cancel is accepted too. */
const pickCommits: Check = ({ answers, status, ledger }) => {
	if (!answers.some((a) => a.action.startsWith("pick") && a.status === 202)) return [];
	const out: Violation[] = [];
	if (status?.status === "cancelled" || status?.status === "compensated")
		out.push(v("pick-commits", `a pick was answered 202, yet the order ended ${status.status}`));
	if (ledger.shipmentCancellations.length > 0)
		out.push(v("pick-commits", "a pick was answered 202, yet the picked shipment was cancelled"));
	if (answers.some((a) => a.action === "cancel" && a.status === 202))
		out.push(v("pick-commits", "both a pick and a cancel were answered 202"));
	if (answers.some((a) => a.action.startsWith("cannot-pick") && a.status === 202))
		out.push(v("pick-commits", "both a pick and a cannot-pick were answered 202"));
	return out;
};

/**
 * Once a cancel is accepted, no forward step starts an attempt, unless its last attempt may have
 * taken effect (it is asked again under its key, to learn what to undo). A request that lands while
 * the breaker is asked, or while a call is in flight, must not let the next call out.
 */
const cancelStops: Check = ({ history }) => {
	const out: Violation[] = [];
	let cancelled = false;
	const inDoubt = new Set<string>();
	for (const entry of history) {
		if (entry.type === "operator_action" && entry.action === "cancel") cancelled = true;
		const doubt = "step" in entry ? doubtAfter(entry) : undefined;
		if (doubt === true && "step" in entry) inDoubt.add(entry.step);
		if (doubt === false && "step" in entry) inDoubt.delete(entry.step);
		if (cancelled && entry.type === "step_started" && !entry.step.endsWith(":undo") && !inDoubt.has(entry.step))
			out.push(v("cancel-stops", `#${entry.seq} ${entry.step} attempt ${entry.attempt} started after the cancel`));
	}
	return out;
};

/**
 * Every needs-attention episode in the journal is exactly one dead letter in D1, closed when the
 * episode is; no other dead letter exists; the index row shows what the object does ("index"). Checked
 * once delivery had its chance, under whatever queue and D1 faults the case injected.
 */
const projection: Check = ({ spec, status, history, d1 }) => {
	if (!status || !d1) return [];
	return differences(expectedProjection(spec.orderId, history, status), d1).map((message) =>
		v(message.startsWith("index") || message === "no index row" ? "index" : "dead-letters", message),
	);
};

/**
 * A customer's email and address are never in the journal; they are erased once, only from an order
 * that settled (no person needs to look) and not before the retention passed since; erased, they are
 * nowhere in the object's storage and status shows "[erased]"; kept, status shows them.
 */
const personalData: Check = (obs) => {
	const { spec, status, history, alarm, stored } = obs;
	if (!status) return [];
	const placed = orderFor(spec);
	// Whatever the case a downstream wrote it in: a refusal may repeat it in capitals.
	const pieces = personalPieces(obs).map((piece) => piece.toLowerCase());
	const holds = (text: string) => pieces.some((piece) => text.toLowerCase().includes(piece));
	const out: Violation[] = [];
	const pii = (message: string) => out.push(v("personal-data", message));
	if (holds(stored.journal)) pii("the journal holds the customer's email or address");
	const erasures = history.filter((e) => e.type === "data_erased");
	let settledAt: number | null = null;
	for (const e of history) {
		// A finish settles the order unless a person must look: it gave up, or failed past the point of no return.
		if (e.type === "workflow_finished")
			settledAt =
				e.status === "needs_attention" || (e.status === "completed" && e.failure !== null) ? null : Date.parse(e.at);
		// A resolve or terminate settles it; a retry reopens it; a cancel, pause or resume leaves it as it is.
		if (e.type === "operator_action" && (e.action === "resolve" || e.action === "terminate"))
			settledAt = Date.parse(e.at);
		if (e.type === "operator_action" && e.action === "retry") settledAt = null;
		if (e.type !== "data_erased") continue;
		if (settledAt === null) pii(`#${e.seq} erased the data of an order that had not settled`);
		else if (Date.parse(e.at) < settledAt + RETENTION_MS)
			early("the erasure", Date.parse(e.at), settledAt + RETENTION_MS);
	}
	if (erasures.length > 1) pii(`erased ${erasures.length} times`);
	const settled = TERMINAL.has(status.status) && status.status !== "needs_attention" && !status.needsAttention;
	if (erasures.length === 0) {
		if (settled && alarm === null) pii(`settled ${status.status} with its personal data and no timer to erase it`);
		if (status.customer.email !== placed.customer.email) pii(`not erased, yet status shows ${status.customer.email}`);
		return out;
	}
	if (holds(stored.all)) pii("erased, yet the object still stores the email or address");
	if (status.customer.email !== "[erased]" || status.shippingAddress !== "[erased]") pii("erased, yet status shows it");
	return out;

	function early(what: string, at: number, due: number) {
		pii(`${what} at ${new Date(at).toISOString()}, before its due time ${new Date(due).toISOString()}`);
	}
};

/** The pieces of the customer's data a downstream could repeat: the email, and the address's distinctive lines. */
function personalPieces(obs: Observation): string[] {
	const placed = orderFor(obs.spec);
	return [placed.customer.email, placed.shippingAddress.line1, placed.shippingAddress.postalCode];
}

/**
 * (erasure) Whatever a downstream repeated of the customer's data is never kept where erasure cannot
 * reach: not in the dead letters in D1, not in an alert posted (the object's own storage is personal-data's).
 */
const erasure: Check = (obs) => {
	const pieces = personalPieces(obs);
	const out: Violation[] = [];
	const found = (where: string, text: string) => {
		const lower = text.toLowerCase();
		for (const piece of pieces)
			if (lower.includes(piece.toLowerCase())) out.push(v("erasure", `${where} holds "${piece}" of the customer`));
	};
	found("a dead letter", JSON.stringify(obs.d1?.deadLetters ?? []));
	found("an alert posted", JSON.stringify(obs.ledger.alerts.map((a) => a.data)));
	return out;
};

/**
 * (justified-attention) An order needs attention only when a person has something to decide: an
 * effect is left that could not be undone (the ledger shows it), a step's outcome stayed unknown (the
 * journal shows it in doubt), or the workflow's code itself failed. One that could have ended
 * compensated must not end there.
 */
const justifiedAttention: Check = ({ status, ledger, history }) => {
	if (status?.status !== "needs_attention") return [];
	if (["workflow_error", "unknown_workflow_version"].includes(status.failure?.code ?? "")) return [];
	const left =
		ledger.charges.length > ledger.refunds.length ||
		ledger.reservations.length > ledger.releases.length ||
		ledger.shipments.length > ledger.shipmentCancellations.length;
	const doubt = new Map<string, boolean>();
	for (const e of history) {
		const after = "step" in e ? doubtAfter(e) : undefined;
		if (after !== undefined && "step" in e) doubt.set(e.step, after);
	}
	if (left || [...doubt.values()].some(Boolean)) return [];
	return [
		v(
			"justified-attention",
			`needs attention (${status.failure?.code}) with nothing left to undo and nothing in doubt`,
		),
	];
};

/**
 * (alerts) One stuck alert per step and attempt budget; every alert the order raised (a stuck step, a
 * reminder, a needs-attention episode) posted at most once, and, without faults in its queues or D1,
 * exactly once.
 */
const alertsOnce: Check = ({ spec, history, ledger }) => {
	const out: Violation[] = [];
	const budgets = new Map<string, number>();
	const stuck = new Map<string, number>();
	for (const e of history) {
		if (e.type === "operator_action" && e.action === "retry")
			for (const step of e.steps) budgets.set(step, (budgets.get(step) ?? 0) + 1);
		if (e.type === "step_stuck") {
			const budget = `${e.step}#${budgets.get(e.step) ?? 0}`;
			stuck.set(budget, (stuck.get(budget) ?? 0) + 1);
		}
	}
	const raised = expectedAlerts(spec.orderId, history);
	for (const [budget, n] of stuck)
		if (n > 1) out.push(v("alerts", `${n} stuck alerts for ${budget.replace("#", " in budget ")}, not one`));
	const posts = ledger.requests.filter((r) => r.operation === "alert");
	for (const id of raised) {
		const n = posts.filter((r) => r.idempotencyKey === id).length;
		if (n > 1 || (n === 0 && spec.platform.length === 0)) out.push(v("alerts", `alert ${id} was posted ${n} times`));
	}
	return out;
};

export const CHECKS: Record<string, Check> = {
	noDoubleEffect,
	balances,
	settled: settledCheck,
	noRerun,
	stableKeys,
	journalMatchesEffects,
	journalShape,
	timers,
	pickCommits,
	cancelStops,
	operatorHolds,
	projection,
	personalData,
	erasure,
	justifiedAttention,
	alertsOnce,
	answeredDoubt,
	fenceOnlyLate,
	questionTimers,
	cannotPickUndoes,
};

/** Every invariant, plus what the driver saw go wrong on the way. Empty: the case passed. */
export function checkInvariants(obs: Observation): Violation[] {
	return [...obs.incidents, ...Object.values(CHECKS).flatMap((check) => check(obs))];
}
