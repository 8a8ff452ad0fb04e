/**
 * SQLite schema of the time-series store, versioned with PRAGMA user_version. Each migration
 * runs once, in order, inside one transaction; a database from a newer promlite is refused.
 */
import type { Database } from 'better-sqlite3';

/**
 * Columns of staged_chunks as created by migration 3 (SqliteStorage rewrites the table with
 * them when it closes). Changing them takes a migration.
 */
export const STAGED_CHUNKS_COLUMNS = `(
    id INTEGER PRIMARY KEY,         -- slot * 2^32 + series_id
    series_id INTEGER NOT NULL,
    min_t INTEGER NOT NULL,
    max_t INTEGER NOT NULL,
    data BLOB NOT NULL              -- XOR chunk (plain or ST-wrapped), as cut
  )`;

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
  // 3: staging of cut chunks (see SqliteStorage: "Staged chunks"). A cut wave (every series of a
  // target cut at the same scrape) inserted one row per series into `chunks`, keyed by series:
  // nearly every leaf page of the table was rewritten for ~200 bytes each. A cut chunk now goes
  // into one of PACK_CHUNKS slots of its series here, rowid = slot * 2^32 + series_id: a wave's
  // rows share a slot, so they share pages, and overwrite the rows of the same slot from
  // PACK_CHUNKS cuts earlier (moved into `chunks` since; no deletes, no index). The XOR rows
  // after each series' last packed row (what stage two had not packed yet) move here, newest
  // in slot 6, so everything left in `chunks` is final. The condition on data is
  // packedChunk.ts's PACKED_ROW_SQL as of this version.
  `
  CREATE TABLE staged_chunks (
    id INTEGER PRIMARY KEY,         -- slot * 2^32 + series_id
    series_id INTEGER NOT NULL,
    min_t INTEGER NOT NULL,
    max_t INTEGER NOT NULL,
    data BLOB NOT NULL              -- XOR chunk (plain or ST-wrapped), as cut
  );
  INSERT INTO staged_chunks (id, series_id, min_t, max_t, data)
    SELECT (7 - r) * 4294967296 + series_id, series_id, min_t, max_t, data FROM (
      SELECT c.series_id, c.min_t, c.max_t, c.data,
             ROW_NUMBER() OVER (PARTITION BY c.series_id ORDER BY c.min_t DESC) AS r
      FROM chunks c
      LEFT JOIN (
        SELECT series_id, MAX(min_t) AS packed_t FROM chunks
        WHERE substr(data, 1, 2) = x'0000' AND substr(data, 3, 1) <> x'03'
        GROUP BY series_id
      ) p ON p.series_id = c.series_id
      WHERE NOT (substr(c.data, 1, 2) = x'0000' AND substr(c.data, 3, 1) <> x'03')
        AND (p.packed_t IS NULL OR c.min_t > p.packed_t)
    )
    WHERE r <= 7
    ORDER BY 1;
  DELETE FROM chunks WHERE (series_id, min_t) IN (SELECT series_id, min_t FROM staged_chunks);
  `,
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
