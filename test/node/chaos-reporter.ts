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
		const failingCases = (parts.matrix?.failures.length ?? 0) + (parts.random?.failures.length ?? 0);
		const totals = {
			cases: parts.matrix?.cases ?? 0,
			randomOrders: parts.random?.cases ?? 0,
			generatedRequests: parts.fuzz?.cases ?? 0,
			violations:
				(parts.matrix?.violations ?? 0) + (parts.random?.violations ?? 0) + (parts.fuzz?.violations ?? 0) + unreported,
			failingCases,
			crashes: (parts.matrix?.crashes ?? 0) + (parts.random?.crashes ?? 0),
			hiccups: (parts.matrix?.hiccups ?? 0) + (parts.random?.hiccups ?? 0),
		};
		const wallTimeMs = Date.now() - this.startedAt;
		const { results: matrixCases = [], ...matrix } = parts.matrix ?? ({} as Partial<ChaosMeta>);
		const { results: randomOrders = [], ...random } = parts.random ?? ({} as Partial<ChaosMeta>);
		const report = {
			seed: this.settings.seed,
			rerun: this.rerun(),
			startedAt: new Date(this.startedAt).toISOString(),
			wallTimeMs,
			settings: this.settings,
			totals,
			/** Matrix cases and random orders per fault family; a case counts in every family it draws from. */
			families: familyTotals(parts.matrix, parts.random),
			parts: { matrix, random, fuzz: parts.fuzz ?? null },
			matrixCases,
			randomOrders,
		};
		writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 1)}\n`);
		this.log(
			`chaos: seed ${this.settings.seed}, ${failingCases} failing cases, ${totals.generatedRequests} generated API requests, ${totals.crashes} crashes injected, ` +
				`${totals.hiccups} cases with platform hiccups retried, ${(wallTimeMs / 1000).toFixed(1)} s; report in ${REPORT_FILE}`,
		);
		this.log(`chaos: ${totals.cases} cases, ${totals.randomOrders} random orders, ${totals.violations} violations`);
	}
}
