/**
 * Deleting samples of one series in [mint, maxt] (admin API). Runs inside a transaction after
 * a compaction, so the series' data lives only in `chunks` and its head (checkpointed).
 * Chunks straddling the range are re-encoded without the deleted samples.
 */
import type { HeadSeries } from './headSeries.ts';
import type { SqliteStorage } from './sqliteStorage.ts';
import { XorChunk, XorIterator } from './xorChunk.ts';

/** Re-encodes the samples of `data` outside [mint, maxt]; null when none remain. */
function withoutRange(data: Uint8Array, mint: number, maxt: number, it: XorIterator): { minT: number; maxT: number; data: Uint8Array } | null {
  it.reset(data);
  const c = new XorChunk();
  const app = c.appender();
  let minT = Infinity;
  let maxT = -Infinity;
  while (it.next()) {
    const t = it.atT();
    if (t >= mint && t <= maxt) continue;
    app.appendBits(t, it.atVHi(), it.atVLo());
    if (t < minT) minT = t;
    maxT = t;
  }
  return c.numSamples() === 0 ? null : { minT, maxT, data: c.bytes().slice() };
}

export function deleteSeriesData(store: SqliteStorage, s: HeadSeries, mint: number, maxt: number): void {
  if (mint <= s.minT && maxt >= s.maxT) {
    store.dropSeries(s);
    return;
  }
  const db = store.db;
  const it = new XorIterator();
  const rows = db
    .prepare<[number, number, number], { min_t: number; max_t: number; data: Buffer }>('SELECT min_t, max_t, data FROM chunks WHERE series_id = ? AND min_t <= ? AND max_t >= ?')
    .all(s.id, maxt, mint);
  const del = db.prepare('DELETE FROM chunks WHERE series_id = ? AND min_t = ?');
  const ins = db.prepare('INSERT OR REPLACE INTO chunks (series_id, min_t, max_t, data) VALUES (?, ?, ?, ?)');
  for (const r of rows) {
    del.run(s.id, r.min_t);
    if (r.min_t >= mint && r.max_t <= maxt) continue;
    const kept = withoutRange(r.data, mint, maxt, it);
    if (kept) ins.run(s.id, kept.minT, kept.maxT, kept.data);
  }
  if (s.head && s.headMinT <= maxt && s.headMaxT >= mint) {
    const kept = withoutRange(s.head.bytes(), mint, maxt, it);
    if (kept) {
      s.restoreHead(kept.data, kept.minT, kept.maxT);
      db.prepare('INSERT OR REPLACE INTO head_chunks (series_id, data) VALUES (?, ?)').run(s.id, kept.data);
    } else {
      s.dropHead();
      s.headDirty = false;
      s.headRowStored = false;
      db.prepare('DELETE FROM head_chunks WHERE series_id = ?').run(s.id);
    }
  }
  refreshBounds(store, s);
}

/** Recomputes a series' time bounds from its chunks and head; drops it when nothing is left. */
export function refreshBounds(store: SqliteStorage, s: HeadSeries): boolean {
  const b = store.db
    .prepare<[number], { mn: number | null; mx: number | null }>('SELECT MIN(min_t) AS mn, MAX(max_t) AS mx FROM chunks WHERE series_id = ?')
    .get(s.id)!;
  let minT = b.mn ?? Infinity;
  let maxT = b.mx ?? -Infinity;
  if (s.head && s.head.numSamples() > 0) {
    minT = Math.min(minT, s.headMinT);
    maxT = Math.max(maxT, s.headMaxT);
  }
  for (const c of s.closed) {
    minT = Math.min(minT, c.minT);
    maxT = Math.max(maxT, c.maxT);
  }
  if (minT === Infinity) {
    store.dropSeries(s);
    return false;
  }
  s.minT = minT;
  s.maxT = maxT;
  return true;
}
