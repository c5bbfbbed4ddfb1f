import { z } from "zod";

/** A keyset position in a list ordered newest first: (created_at, id) of the last row returned. */
const Position = z.tuple([z.number(), z.string()]);
export type Position = z.infer<typeof Position>;

export function encodeCursor(position: Position): string {
	return btoa(JSON.stringify(position)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Null for a cursor that is not one of ours, so the API can answer 400 instead of guessing. */
export function decodeCursor(cursor: string): Position | null {
	try {
		return Position.parse(JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))));
	} catch {
		return null;
	}
}

/** Takes one row more than asked to learn whether a next page exists. */
export function page<Row>(rows: Row[], limit: number, position: (row: Row) => Position) {
	const items = rows.slice(0, limit);
	const last = items.at(-1);
	return { items, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}

/**
 * The bounds of the ids that start with `prefix`, for `column >= ? AND column < ?`: exact and case-sensitive
 * (LIKE is neither), and an index on the column serves it. The prefix's last character is ASCII (the
 * API's pattern), so the next one up ends the range.
 */
export function prefixBounds(prefix: string): [string, string] {
	const last = prefix.charCodeAt(prefix.length - 1);
	return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

/** The WHERE clause of a filtered list, built one condition at a time with its bound values. */
export function conditions() {
	const clauses: string[] = [];
	const values: (string | number)[] = [];
	return {
		add(clause: string, ...bound: (string | number)[]) {
			clauses.push(clause);
			values.push(...bound);
		},
		/** Only rows whose `column` starts with `prefix`. */
		prefix(column: string, prefix: string) {
			clauses.push(`${column} >= ? AND ${column} < ?`);
			values.push(...prefixBounds(prefix));
		},
		where: () => (clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : ""),
		values,
	};
}
