import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { DefaultReporter } from "vitest/node";

/**
 * Writes each recorded journal to test/replay/fixtures/v<version>/<name>.json. A recording of a
 * version is made once, when the version is added, and never again: re-recording an old version
 * after changing its code would make the replay check agree with the change it exists to catch. So
 * an existing file is kept unless RECORD_FIXTURES_FORCE=1.
 */
export class FixtureReporter extends DefaultReporter {
	override onTestRunEnd(...args: Parameters<DefaultReporter["onTestRunEnd"]>): void {
		super.onTestRunEnd(...args);
		const [modules] = args;
		for (const module of modules) {
			for (const test of module.children.allTests()) {
				const fixture = (test.meta() as { fixture?: { version: number; name: string } }).fixture;
				if (!fixture || test.result().state !== "passed") continue;
				const dir = `test/replay/fixtures/v${fixture.version}`;
				const file = `${dir}/${fixture.name}.json`;
				if (existsSync(file) && process.env.RECORD_FIXTURES_FORCE !== "1") {
					this.log(`kept ${file} (recorded before; RECORD_FIXTURES_FORCE=1 records it again)`);
					continue;
				}
				mkdirSync(dir, { recursive: true });
				writeFileSync(file, `${JSON.stringify(fixture, null, "\t")}\n`);
				this.log(`recorded ${file}`);
			}
		}
	}
}
