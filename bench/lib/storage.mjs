import { readdirSync } from "node:fs";
import { sqliteBytes } from "./sqlite-size.mjs";

/** Every SQLite database under `dir` but Miniflare's own metadata, with its size as SQLite counts it. */
function databases(dir) {
	let entries = [];
	try {
		entries = readdirSync(dir, { withFileTypes: true, recursive: true });
	} catch {
		return [];
	}
	return entries
		.filter((e) => e.isFile() && e.name.endsWith(".sqlite") && e.name !== "metadata.sqlite")
		.map((e) => sqliteBytes(`${e.parentPath}/${e.name}`));
}

/**
 * What the orders occupy: one SQLite database per order object, and the shared D1 order index, in
 * bytes per order object.
 */
export function localStorage(persistDir) {
	const objects = databases(`${persistDir}/v3/do`);
	const d1 = databases(`${persistDir}/v3/d1`);
	const total = (sizes) => sizes.reduce((sum, s) => sum + s, 0);
	const perOrder = (bytes) => (objects.length ? Math.round(bytes / objects.length) : null);
	return {
		orderObjects: objects.length,
		objectBytesPerOrder: perOrder(total(objects)),
		d1BytesPerOrder: perOrder(total(d1)),
	};
}
