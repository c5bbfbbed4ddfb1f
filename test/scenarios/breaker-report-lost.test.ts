import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { breakerGate } from "../../src/ops/breaker-gate";
import { eventually, newOrderId } from "../helpers";

/**
 * The breakers' namespace, with the first `failures` reports to any breaker failing on the way (the
 * breaker's object restarting, say); everything else reaches the real breaker.
 */
function reportsFailing(failures: number): DurableObjectNamespace {
	const real = env.BREAKERS;
	let left = failures;
	return {
		idFromName: (name: string) => real.idFromName(name),
		get: (id: DurableObjectId) => {
			const stub = real.get(id);
			return new Proxy(stub, {
				get(target, property) {
					if (property !== "report") return Reflect.get(target, property);
					return (...args: Parameters<typeof stub.report>) => {
						if (left-- > 0) return Promise.reject(new Error("the breaker's object restarted"));
						return target.report(...args);
					};
				},
			});
		},
	} as unknown as DurableObjectNamespace;
}

describe("a report to a breaker that does not get there", () => {
	it("is sent again with what came since: the failures it carried still open the breaker", async () => {
		const name = `payments@${newOrderId("report-lost")}`;
		const gate = breakerGate({ ...env, BREAKERS: reportsFailing(1) } as unknown as Env);
		// Ten failures at once: the first goes out alone and is lost; the nine others wait for it.
		for (let i = 0; i < 10; i++) void gate.report("payments", name.split("@")[1] ?? "", "failure", false, "http_503");
		const breaker = env.BREAKERS.get(env.BREAKERS.idFromName(name));
		const view = await eventually(
			() => breaker.describe("payments", name),
			(v) => v.state === "open",
			5_000,
		);
		expect(view).toMatchObject({ state: "open", recentFailures: 10 });
	});
});
