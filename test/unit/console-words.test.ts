import { describe, expect, it } from "vitest";
import { scaleTop } from "../../src/console/chart";
import { duration, relative } from "../../src/console/format";
import { prefixBounds } from "../../src/ops/cursor";
import { dayStart, HOUR_MS, perHour } from "../../src/ops/last-day";

const NOW = Date.parse("2026-12-07T10:30:00.000Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("how the console says times and counts", () => {
	it("says how long ago, and how far ahead, as a person would", () => {
		expect(relative(ago(400), NOW)).toBe("just now");
		expect(relative(ago(45_000), NOW)).toBe("45 s ago");
		expect(relative(ago(4 * 60_000 + 59_000), NOW)).toBe("4 min ago");
		expect(relative(ago(3 * HOUR_MS), NOW)).toBe("3 h ago");
		expect(relative(ago(2 * 24 * HOUR_MS + 1), NOW)).toBe("2 d ago");
		expect(relative(ago(-90_000), NOW)).toBe("in 1 min");
	});

	it("says a duration in its largest units, to the minute", () => {
		expect(duration(87)).toBe("87 ms");
		expect(duration(45_400)).toBe("45 s");
		expect(duration(12 * 60_000)).toBe("12 min");
		expect(duration(3 * HOUR_MS + 5 * 60_000)).toBe("3 h 5 min");
		expect(duration(2 * 24 * HOUR_MS + 4 * HOUR_MS)).toBe("2 d 4 h");
		expect(duration(2 * 24 * HOUR_MS)).toBe("2 d");
	});

	it("tops a chart's scale at a number that reads well, never below one", () => {
		expect([[], [0], [1], [3], [7], [12], [20], [21], [480]].map(scaleTop)).toEqual([1, 1, 1, 5, 10, 20, 20, 50, 500]);
	});

	it("puts the day's hours in order, the last being the current one, and leaves out what falls outside", () => {
		const from = dayStart(NOW);
		expect(from).toBe(Date.parse("2026-12-06T11:00:00.000Z"));
		const counts = perHour(from, [
			{ hour: from - HOUR_MS, failures: 7 },
			{ hour: from, failures: 2 },
			{ hour: Date.parse("2026-12-07T10:00:00.000Z"), failures: 3 },
			{ hour: from + 24 * HOUR_MS, failures: 9 },
		]);
		expect(counts).toHaveLength(24);
		expect([counts[0], counts[23], counts.reduce((a, b) => a + b, 0)]).toEqual([2, 3, 5]);
	});

	it("finds ids by how they start with a range, exact in case and with no wildcard", () => {
		expect(prefixBounds("fleet-7")).toEqual(["fleet-7", "fleet-8"]);
		expect(prefixBounds("a_")).toEqual(["a_", "a`"]);
		expect(prefixBounds("Z")).toEqual(["Z", "["]);
	});
});
