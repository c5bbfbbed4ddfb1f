import { defineConfig } from "vitest/config";
import base from "../../vitest.config";
import { FixtureReporter } from "./fixture-reporter";

/** `npm run record-fixtures`: the recorder of test/replay, in the same workerd setup as `npm test`. */
export default defineConfig(async (env) => {
	const resolved = typeof base === "function" ? await base(env) : await base;
	return {
		...resolved,
		test: { ...resolved.test, include: ["test/replay/record.fixture.ts"], reporters: [new FixtureReporter()] },
	};
});
