/**
 * What each order should have done at the sandbox, by the path it took. The ledger is the sandbox's
 * record of effects, so these checks hold whatever the system under test reports about itself.
 */
const EXPECTED = {
	happy: { charges: 1, refunds: 0, reservations: 1, shipments: 1, emails: 1 },
	outOfStock: { charges: 1, refunds: 1, reservations: 0, shipments: 0, emails: 0 },
	declined: { charges: 0, refunds: 0, reservations: 0, shipments: 0, emails: 0 },
};

/**
 * Reads the whole ledger once and checks every order given (`{ orderId, path }`): the card charged
 * exactly once (or never), and refunded when the order was compensated. Returns counts and a few
 * examples of what went wrong, if anything did.
 */
export async function verifyLedger(sandboxUrl, orders) {
	const response = await fetch(`${sandboxUrl}/ledger`, { signal: AbortSignal.timeout(120_000) });
	if (!response.ok) throw new Error(`GET /ledger answered ${response.status}`);
	const ledger = await response.json();
	const effects = new Map();
	for (const kind of Object.keys(EXPECTED.happy)) {
		for (const effect of ledger[kind] ?? []) {
			const counts = effects.get(effect.orderId) ?? {};
			counts[kind] = (counts[kind] ?? 0) + 1;
			effects.set(effect.orderId, counts);
		}
	}
	const problems = [];
	for (const { orderId, path } of orders) {
		const counts = effects.get(orderId) ?? {};
		for (const [kind, want] of Object.entries(EXPECTED[path])) {
			if ((counts[kind] ?? 0) !== want)
				problems.push(`${orderId} (${path}): ${kind} ${counts[kind] ?? 0}, expected ${want}`);
		}
	}
	const requests = ledger.requests?.length ?? 0;
	return {
		orders: orders.length,
		correct: orders.length - new Set(problems.map((p) => p.split(" ")[0])).size,
		requests,
		problems: problems.slice(0, 5),
	};
}

/** One verdict from several ledger checks (the orchestrator's sandbox is renewed during the growth fill). */
export function mergeLedger(checks) {
	return {
		orders: checks.reduce((sum, c) => sum + c.orders, 0),
		correct: checks.reduce((sum, c) => sum + c.correct, 0),
		problems: checks.flatMap((c) => c.problems).slice(0, 5),
	};
}
