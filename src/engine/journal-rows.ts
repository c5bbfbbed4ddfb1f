import { metered, type Usage } from "./usage";

/** One write of the journal: its events and the usage counters as of it, both JSON. */
export interface JournalRow {
	events: string;
	usage: string;
}

/** Where a journal's rows live: read all of them oldest first, write one. */
export interface JournalRows {
	read(): JournalRow[];
	write(seq: number, row: JournalRow): void;
}

/** Journal rows in the object's key-value storage, by their first entry's position, zero-padded so they list in order. */
const PREFIX = "journal:";
const keyOf = (seq: number) => `${PREFIX}${String(seq).padStart(12, "0")}`;

/**
 * Where the journal of a workflow lives: the object's key-value storage, one entry per write (one row
 * billed, and no table to create: a table costs two rows written, a fifth of a happy order's). A
 * workflow whose journal began in the SQLite table of earlier releases keeps it there.
 */
export function journalRows(storage: DurableObjectStorage, usage: Usage): JournalRows {
	const sql = storage.sql;
	const legacy = metered(usage, sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'"));
	return legacy.length > 0 ? sqlRows(sql, usage) : kvRows(storage.kv, usage);
}

function kvRows(kv: SyncKvStorage, usage: Usage): JournalRows {
	return {
		read() {
			const rows = [...kv.list<JournalRow>({ prefix: PREFIX })].map(([, row]) => row);
			usage.rowsRead += rows.length;
			return rows;
		},
		write(seq, row) {
			kv.put(keyOf(seq), row);
			usage.rowsWritten++;
		},
	};
}

/** The table journals were kept in before: read, and written on for the workflows that began there. */
function sqlRows(sql: SqlStorage, usage: Usage): JournalRows {
	return {
		read: () =>
			metered(usage, sql.exec<{ events: string; usage: string }>("SELECT events, usage FROM journal ORDER BY seq")),
		write(seq, { events, usage: counters }) {
			metered(usage, sql.exec("INSERT INTO journal (seq, events, usage) VALUES (?, ?, ?)", seq, events, counters));
		},
	};
}
