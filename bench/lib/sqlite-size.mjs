import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

function read(fd, position, length) {
	const buffer = Buffer.alloc(length);
	const n = readSync(fd, buffer, 0, length, position);
	return n === length ? buffer : null;
}

/** Page size and page count from the database file's own header. */
function fromHeader(path) {
	if (!existsSync(path) || statSync(path).size < 100) return 0;
	const fd = openSync(path, "r");
	try {
		const header = read(fd, 0, 100);
		const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
		return pageSize * header.readUInt32BE(28);
	} finally {
		closeSync(fd);
	}
}

/**
 * The size SQLite itself gives a database (pages x page size, what `sql.databaseSize` reports), read
 * from the files: an object still open keeps its recent pages in the write-ahead log, so the last
 * committed frame there, when there is one, says how many pages the database has.
 */
export function sqliteBytes(path) {
	const wal = `${path}-wal`;
	if (!existsSync(wal) || statSync(wal).size <= 32) return fromHeader(path);
	const fd = openSync(wal, "r");
	try {
		const header = read(fd, 0, 32);
		const pageSize = header.readUInt32BE(8);
		const salts = [header.readUInt32BE(16), header.readUInt32BE(20)];
		let committedPages = 0;
		for (let offset = 32; ; offset += 24 + pageSize) {
			const frame = read(fd, offset, 24);
			if (!frame || frame.readUInt32BE(8) !== salts[0] || frame.readUInt32BE(12) !== salts[1]) break;
			const pagesAfterCommit = frame.readUInt32BE(4);
			if (pagesAfterCommit > 0) committedPages = pagesAfterCommit;
		}
		return committedPages > 0 ? committedPages * pageSize : fromHeader(path);
	} finally {
		closeSync(fd);
	}
}
