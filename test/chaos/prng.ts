/**
 * A small seeded PRNG (mulberry32), so that a seed alone reproduces every random choice of a run.
 * Each random order gets its own stream, derived from (seed, index), so one order can be rerun alone.
 */
export interface Rng {
	/** Uniform in [0, 1). */
	next(): number;
	/** Uniform integer in [min, max]. */
	int(min: number, max: number): number;
	chance(probability: number): boolean;
	pick<T>(items: readonly T[]): T;
	/** Picks by weight: `[[value, weight], ...]`. */
	weighted<T>(choices: readonly (readonly [T, number])[]): T;
}

export function rng(seed: number): Rng {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	return {
		next,
		int,
		chance: (probability) => next() < probability,
		pick: (items) => {
			const item = items[int(0, items.length - 1)];
			if (item === undefined) throw new Error("pick from an empty list");
			return item;
		},
		weighted: (choices) => {
			let roll = next() * choices.reduce((sum, [, weight]) => sum + weight, 0);
			for (const [value, weight] of choices) {
				roll -= weight;
				if (roll < 0) return value;
			}
			const last = choices.at(-1);
			if (!last) throw new Error("weighted pick from an empty list");
			return last[0];
		},
	};
}

/** A well-mixed 32-bit seed for stream `index` of run `seed`. */
export function streamSeed(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}
