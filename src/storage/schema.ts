/**
 * SQLite schema of the time-series store, versioned with PRAGMA user_version. Each migration
 * runs once, in order, inside one transaction; a database from a newer promlite is refused.
 */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: string[] = [
  // 1: series index, chunks, head checkpoint, append log.
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    labels TEXT NOT NULL UNIQUE      -- canonical key (Labels.key())
  );
  CREATE TABLE postings (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    series_id INTEGER NOT NULL,
    PRIMARY KEY (name, value, series_id)
  ) WITHOUT ROWID;
  CREATE TABLE chunks (
    series_id INTEGER NOT NULL,
    min_t INTEGER NOT NULL,
    max_t INTEGER NOT NULL,
    data BLOB NOT NULL,             -- XOR chunk (xorChunk.ts)
    PRIMARY KEY (series_id, min_t)
  ) WITHOUT ROWID;
  -- Open head chunks as of the last compaction; the append log holds what came after.
  CREATE TABLE head_chunks (
    series_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
  );
  -- One row per committed batch (appendLog.ts), replayed at open, truncated by compaction.
  CREATE TABLE append_log (
    id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
  );
  `,
  // 2: start timestamps. No table changes: chunks / head_chunks rows may now be ST-wrapped XOR
  // (startTimestamps.ts) or packed with an ST stream, and append_log rows may carry an ST column.
  // Version 1 data is valid version 2 data; the bump makes an older promlite refuse the file
  // instead of misreading those rows.
  `SELECT 1;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Page size for new databases: packed chunk rows (~1-2 KB) must fit in-page (no overflow pages). */
export const PAGE_SIZE = 8192;

/** Settings that only take effect on an empty database file; call before enabling WAL. */
export function prepareNewDatabase(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  if (current === 0 && pages === 0) {
    db.pragma(`page_size = ${PAGE_SIZE}`);
    // Lets retention and compaction give freed pages back to the OS (PRAGMA incremental_vacuum).
    db.pragma('auto_vacuum = INCREMENTAL');
  }
}

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this promlite supports (${SCHEMA_VERSION})`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
