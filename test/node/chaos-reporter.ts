import { writeFileSync } from "node:fs";
import type { SerializedError, TestModule, TestRunEndReason, Vitest } from "vitest/node";
import { DefaultReporter } from "vitest/node";
import type { ChaosSettings } from "../chaos/settings";
import { type ChaosMeta, familyTotals, mergeMeta } from "../chaos/summary";

export const REPORT_FILE = "chaos-report.json";

/**
 * Vitest's default output, plus: `[chaos]` progress lines printed as they come (without the
 * per-test headers), a JSON report of every case, and one closing line any CI can grep:
 * `chaos: <cases> cases, <orders> random orders, <violations> violations`.
 */
export class ChaosReporter extends DefaultReporter {
	private readonly startedAt = Date.now();

	constructor(private readonly settings: ChaosSettings) {
		super();
	}

	override onInit(ctx: Vitest): void {
		super.onInit(ctx);
		this.log(`chaos: seed ${this.settings.seed} (${this.rerun()} reproduces this run)`);
	}

	private rerun(): string {
		const profile = this.settings.profile === "ci" ? "CHAOS_PROFILE=ci " : "";
		return `${profile}CHAOS_SEED=${this.settings.seed} npm run chaos`;
	}

	override onUserConsoleLog(...[log, taskState]: Parameters<DefaultReporter["onUserConsoleLog"]>): void {
		if (log.content.startsWith("[chaos]")) this.log(log.content.trimEnd());
		else super.onUserConsoleLog(log, taskState);
	}

	override onTestRunEnd(
		modules: ReadonlyArray<TestModule>,
		errors: ReadonlyArray<SerializedError>,
		reason: TestRunEndReason,
	): void {
		super.onTestRunEnd(modules, errors, reason);
		const parts: Partial<Record<ChaosMeta["part"], ChaosMeta>> = {};
		let unreported = errors.length;
		for (const module of modules) {
			for (const test of module.children.allTests()) {
				const meta = (test.meta() as { chaos?: ChaosMeta }).chaos;
				if (meta) {
					const earlier = parts[meta.part];
					parts[meta.part] = earlier ? mergeMeta(earlier, meta) : meta;
				}
				// A chaos test that failed before it could report (it threw) still counts, so the line never says 0 after a failure.
				else if (test.result().state === "failed") unreported++;
			}
		}
		const { matrix: m, fleet: f, random: r, fuzz, verify: asked } = parts;
		const failingCases =
			(m?.failures.length ?? 0) + (f?.failures.length ?? 0) + (r?.failures.length ?? 0) + (asked?.failures.length ?? 0);
		const totals = {
			// A fleet world is one case, of several orders.
			cases: (m?.cases ?? 0) + (f?.cases ?? 0),
			fleets: f?.cases ?? 0,
			fleetOrders: (f?.results ?? []).reduce((n, c) => n + (c.orders ?? 1), 0),
			randomOrders: r?.cases ?? 0,
			generatedRequests: fuzz?.cases ?? 0,
			violations:
				(m?.violations ?? 0) +
				(f?.violations ?? 0) +
				(r?.violations ?? 0) +
				(fuzz?.violations ?? 0) +
				(asked?.violations ?? 0) +
				unreported,
			failingCases,
			crashes: (m?.crashes ?? 0) + (f?.crashes ?? 0) + (r?.crashes ?? 0),
			hiccups: (m?.hiccups ?? 0) + (f?.hiccups ?? 0) + (r?.hiccups ?? 0),
		};
		const wallTimeMs = Date.now() - this.startedAt;
		const { results: matrixCases = [], ...matrix } = m ?? ({} as Partial<ChaosMeta>);
		const { results: fleetCases = [], ...fleet } = f ?? ({} as Partial<ChaosMeta>);
		const { results: randomOrders = [], ...random } = r ?? ({} as Partial<ChaosMeta>);
		const report = {
			seed: this.settings.seed,
			rerun: this.rerun(),
			startedAt: new Date(this.startedAt).toISOString(),
			wallTimeMs,
			settings: this.settings,
			totals,
			/** Matrix cases, fleets and random orders per fault family; a case counts in every family it draws from. */
			families: familyTotals(m, f, r),
			/** What asking services about doubts changed in the effect_then_error family (test/chaos/verify.test.ts). */
			verify: asked?.verify ?? null,
			parts: { matrix, fleet, random, fuzz: fuzz ?? null, verify: asked ? { ...asked, results: undefined } : null },
			matrixCases,
			fleetCases,
			randomOrders,
		};
		writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 1)}\n`);
		this.log(
			`chaos: seed ${this.settings.seed}, ${failingCases} failing cases, ${totals.generatedRequests} generated API requests, ${totals.crashes} crashes injected, ` +
				`${totals.hiccups} cases with platform hiccups retried, ${(wallTimeMs / 1000).toFixed(1)} s; report in ${REPORT_FILE}`,
		);
		if (asked?.verify) {
			const { needsAttentionUnknown: n, lateOriginals: late } = asked.verify;
			this.log(
				`chaos: verify: effect_then_error orders left to a person only for an unknown outcome: ${n.withoutVerify} without verify, ${n.withVerify} with (${n.removed} removed); ${late.fenced} late originals refused by a fence`,
			);
		}
		this.log(
			`chaos: ${totals.cases} cases (${totals.fleets} fleets of ${totals.fleetOrders} orders), ${totals.randomOrders} random orders, ${totals.violations} violations`,
		);
	}
}
