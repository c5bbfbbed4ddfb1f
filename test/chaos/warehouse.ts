import { signCallbackToken } from "../../src/order/callback-token";
import { PICK_EVENT } from "../../src/order/pick";
import { shipmentToken, testSigner } from "../helpers";
import type { CaseRun } from "./driver";
import { finished, settled } from "./driver";

/**
 * What the people around an order do: the warehouse at the human step, and the customer, who may
 * cancel. Every behaviour ends by driving the order as far as it goes, so that the invariants see a
 * settled order.
 */
export type Warehouse =
	| "picks"
	| "picks-twice"
	| "picks-twice-at-once"
	| "picks-early"
	| "picks-late"
	| "never-picks"
	| "forged-token"
	| "other-event-token"
	| "foreign-token"
	| "leaves-it-waiting"
	| "customer-cancels"
	| "customer-cancels-early"
	| "operator-redrives"
	| "operator-resolves"
	| "abandons-then-redrives"
	| "cannot-pick"
	| "cannot-pick-late"
	| "picks-and-cannot-pick-at-once"
	| "cannot-pick-then-picks";

/** The warehouse's behaviours that answer it cannot pick (workflow version 2 on). */
export const CANNOT_PICK_BEHAVIOURS = [
	"cannot-pick",
	"cannot-pick-late",
	"picks-and-cannot-pick-at-once",
	"cannot-pick-then-picks",
] as const satisfies Warehouse[];

/** Whether a cancel was accepted meanwhile (sent during a call): then a 410 to the warehouse is right. */
const cancelled = async (run: CaseRun) =>
	(await run.history()).some((e) => e.type === "operator_action" && e.action === "cancel");

/**
 * Says the order cannot be picked, with the cannot-pick token, if the order waits; a refusal then is
 * an incident. An order of version 1 was given no such token: its warehouse picks instead. Null: no answer sent.
 */
async function genuineCannotPick(run: CaseRun, label = "genuine"): Promise<number | null> {
	if (run.last !== "waiting") return null;
	const token = await shipmentToken(run.orderId, "cannot-pick");
	if (!token) return genuinePick(run, `${label}, version 1`);
	const status = await run.cannotPick(token, label);
	if (status !== 202 && status !== 200 && !(status === 410 && (await cancelled(run))))
		run.incident("api", `a ${label} cannot-pick while waiting answered ${status}`);
	return status;
}

/** Picks with the genuine token if the order waits for it; a refusal then is an incident. */
async function genuinePick(run: CaseRun, label = "genuine"): Promise<number | null> {
	if (run.last !== "waiting") return null;
	const token = await shipmentToken(run.orderId);
	if (!token) {
		run.incident("api", "the order waits for the warehouse but no shipment was booked");
		return null;
	}
	const status = await run.pick(token, label);
	// A cancel sent during a call may have been accepted since the order was seen waiting: then 410 is right.
	if (status !== 202 && status !== 200 && !(status === 410 && (await cancelled(run))))
		run.incident("api", `a ${label} pick while waiting answered ${status}`);
	return status;
}

/** A bad token must be refused with `expected` and change nothing; then the real pick comes. */
function badToken(expected: number, forge: (run: CaseRun, token: string) => Promise<string>) {
	return async (run: CaseRun) => {
		await run.drive(settled);
		const token = await shipmentToken(run.orderId);
		if (run.last === "waiting" && token) {
			const before = (await run.history()).length;
			const status = await run.pick(await forge(run, token), `bad token (want ${expected})`);
			if (status !== expected) run.incident("api", `a bad token answered ${status}, not ${expected}`);
			const after = (await run.history()).length;
			if (after !== before) run.incident("api", `a refused pick changed the journal (${before} -> ${after} entries)`);
			await genuinePick(run);
		}
		await run.drive(finished);
	};
}

const flipSignature = async (_: CaseRun, token: string) => {
	const [version, claims, signature = ""] = token.split(".");
	return `${version}.${claims}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
};

function operatorActs(action: "retry" | "resolve", picks = true) {
	return async (run: CaseRun) => {
		await run.drive(settled);
		if (picks) await genuinePick(run);
		await run.drive(finished);
		for (let round = 0; round < 2 && (await run.status())?.needsAttention; round++) {
			const status = await run.operator(action);
			if (status !== 202 && status !== 200)
				run.incident("api", `${action} of an order that needs attention answered ${status}`);
			await run.drive(finished);
		}
	};
}

export const WAREHOUSE: Record<Warehouse, (run: CaseRun) => Promise<void>> = {
	picks: async (run) => {
		await run.drive(settled);
		await genuinePick(run);
		await run.drive(finished);
	},
	"picks-twice": async (run) => {
		await run.drive(settled);
		if ((await genuinePick(run, "first")) !== null) {
			await run.drive(settled);
			const again = await shipmentToken(run.orderId);
			const status = again ? await run.pick(again, "redelivered") : 0;
			if (status !== 200) run.incident("api", `a redelivered pick answered ${status}, not 200 (duplicate)`);
		}
		await run.drive(finished);
	},
	"picks-twice-at-once": async (run) => {
		await run.drive(settled);
		if (run.last === "waiting") await Promise.all([genuinePick(run, "first"), genuinePick(run, "second")]);
		await run.drive(finished);
	},
	/** Picks as soon as the shipment exists, even before the order has recorded it: the pick must be kept. */
	"picks-early": async (run) => {
		let picked = false;
		const early = async () => {
			const token = picked ? null : await shipmentToken(run.orderId);
			if (!token) return;
			picked = true;
			const status = await run.pick(token, "early");
			if (status >= 500) run.incident("api", `an early pick answered ${status}`);
		};
		await early();
		await run.drive(settled, early);
		if (!picked) await genuinePick(run);
		await run.drive(finished);
	},
	/** The deadline's alarms fire first; the pick then comes too late and must change nothing. */
	"picks-late": async (run) => {
		await run.drive(finished);
		const token = await shipmentToken(run.orderId);
		if (!token) return;
		const before = (await run.history()).length;
		// A pick sent while a call was in flight may have been accepted already: then this one is its repeat.
		const want = run.picked() ? 200 : 410;
		const status = await run.pick(token, "late");
		if (status !== want) run.incident("api", `a pick after the deadline answered ${status}, not ${want}`);
		if ((await run.history()).length !== before) run.incident("api", "a late pick changed the journal");
		await run.drive(finished);
	},
	"never-picks": async (run) => {
		await run.drive(finished);
	},
	"forged-token": badToken(401, flipSignature),
	"other-event-token": badToken(403, async (run) =>
		signCallbackToken(await testSigner(), { tenant: "default", orderId: run.orderId, event: "warehouse-lost-it" }),
	),
	"foreign-token": badToken(403, async (run) =>
		signCallbackToken(await testSigner(), { tenant: "default", orderId: `${run.orderId}-other`, event: PICK_EVENT }),
	),
	"leaves-it-waiting": async (run) => {
		await run.drive(settled);
	},
	/** Cancelled while waiting for the pick, before the point of no return: everything done is undone. */
	"customer-cancels": async (run) => {
		await run.drive(settled);
		if (run.last === "waiting") {
			const status = await run.cancel();
			if (status !== 202 && status !== 200) run.incident("api", `cancelling a waiting order answered ${status}`);
		}
		await run.drive(finished);
	},
	/** Whatever comes, the warehouse picks; an order that then needs a person is redriven, up to twice. */
	"operator-redrives": operatorActs("retry"),
	/** The same, but the operator fixes things by hand and resolves the order. */
	"operator-resolves": operatorActs("resolve"),
	/** The warehouse never picks: past the deadline everything is undone; an order that then needs a person is redriven. */
	"abandons-then-redrives": operatorActs("retry", false),
	/** The warehouse cannot pick: the order is undone at once. */
	"cannot-pick": async (run) => {
		await run.drive(settled);
		await genuineCannotPick(run);
		await run.drive(finished);
	},
	/** The deadline's alarms fire first; the cannot-pick then comes too late and must change nothing. */
	"cannot-pick-late": async (run) => {
		await run.drive(finished);
		const token = await shipmentToken(run.orderId, "cannot-pick");
		if (!token) return;
		const before = (await run.history()).length;
		const status = await run.cannotPick(token, "late");
		if (status !== 410) run.incident("api", `a cannot-pick after the deadline answered ${status}, not 410`);
		if ((await run.history()).length !== before) run.incident("api", "a late cannot-pick changed the journal");
	},
	/** Two warehouse workers answer at once, one picked, one could not: exactly one is accepted, the other refused 410. */
	"picks-and-cannot-pick-at-once": async (run) => {
		await run.drive(settled);
		const [pick, cannot] = await Promise.all([shipmentToken(run.orderId), shipmentToken(run.orderId, "cannot-pick")]);
		if (run.last === "waiting" && pick && cannot) {
			const answers = await Promise.all([run.pick(pick, "racing"), run.cannotPick(cannot, "racing")]);
			// One wins; the other is refused 410 (both are, if a cancel sent during a call came first).
			const accepted = answers.filter((status) => status === 202).length;
			const refused = answers.filter((status) => status === 410).length;
			if (!(accepted === 1 && refused === 1) && !(refused === 2 && (await cancelled(run))))
				run.incident(
					"api",
					`a pick and a cannot-pick at once were answered ${answers.join(" and ")}: not one 202, one 410`,
				);
		} else await genuinePick(run);
		await run.drive(finished);
	},
	/** The warehouse says it cannot pick, then picks after all: too late, the order is being undone. */
	"cannot-pick-then-picks": async (run) => {
		await run.drive(settled);
		const first = await genuineCannotPick(run, "first");
		const token = await shipmentToken(run.orderId);
		if (first === 202 && token && (await shipmentToken(run.orderId, "cannot-pick"))) {
			const status = await run.pick(token, "after cannot-pick");
			if (status !== 410) run.incident("api", `a pick after an accepted cannot-pick answered ${status}, not 410`);
		}
		await run.drive(finished);
	},
	/** Cancelled right after it was placed, while its first steps run: accepted, or refused as already stopping. */
	"customer-cancels-early": async (run) => {
		const status = await run.cancel();
		if (status !== 202 && status !== 200 && status !== 409) run.incident("api", `an early cancel answered ${status}`);
		await run.drive(finished);
	},
};
