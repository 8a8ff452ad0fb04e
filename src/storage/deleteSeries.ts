/**
 * Deleting samples of one series in [mint, maxt] (admin API). Runs inside a transaction after
 * a compaction, so the series' data lives only in `chunks`, staged_chunks (moved into `chunks`
 * first) and its head (checkpointed).
 * Chunks straddling the range are re-encoded without the deleted samples.
 */
import type { HeadSeries } from './headSeries.ts';
import type { SqliteStorage } from './sqliteStorage.ts';
import { ChunkDecoder } from './chunkDecoder.ts';
import { encodeXorChunks } from './packedChunk.ts';
import { STAGED_IDS_SQL, stagedRowIds } from './packing.ts';

interface Piece {
  minT: number;
  maxT: number;
  data: Uint8Array;
}

/** Re-encodes the samples of a row (any chunk format) outside [mint, maxt] as XOR chunks of <= perChunk samples (ST kept). */
function withoutRange(data: Uint8Array, mint: number, maxt: number, perChunk = 120): Piece[] {
  const d = new ChunkDecoder();
  d.decode(data);
  const { ts, vs, sts, n } = d;
  const vw = new Uint32Array(vs.buffer, vs.byteOffset, 2 * n);
  // Compact the kept samples to the front of fresh arrays, then encode them.
  const kt = new Float64Array(n);
  const kv = new Float64Array(n);
  const kvw = new Uint32Array(kv.buffer);
  const kst = sts === null ? null : new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (t >= mint && t <= maxt) continue;
    kt[k] = t;
    kvw[2 * k] = vw[2 * i];
    kvw[2 * k + 1] = vw[2 * i + 1];
    if (kst !== null) kst[k] = sts![i];
    k++;
  }
  return encodeXorChunks(kt, kv, kst, k, perChunk);
}

export function deleteSeriesData(store: SqliteStorage, s: HeadSeries, mint: number, maxt: number): void {
  if (mint <= s.minT && maxt >= s.maxT) {
    store.dropSeries(s);
    return;
  }
  const db = store.db;
  // Staged chunks go into `chunks` first, and their slots are emptied: the deletion below may
  // take `chunks` rows that moved staged rows were copies of (packing.ts), which must not come back.
  store.packer.moveAll(s);
  store.packer.dropStaged(s);
  const rows = db
    .prepare<[number, number, number], { min_t: number; max_t: number; data: Buffer }>('SELECT min_t, max_t, data FROM chunks WHERE series_id = ? AND min_t <= ? AND max_t >= ?')
    .all(s.id, maxt, mint);
  const del = db.prepare('DELETE FROM chunks WHERE series_id = ? AND min_t = ?');
  const ins = db.prepare('INSERT OR REPLACE INTO chunks (series_id, min_t, max_t, data) VALUES (?, ?, ?, ?)');
  for (const r of rows) {
    del.run(s.id, r.min_t);
    if (r.min_t >= mint && r.max_t <= maxt) continue;
    for (const p of withoutRange(r.data, mint, maxt)) ins.run(s.id, p.minT, p.maxT, p.data);
  }
  if (s.hasHead() && s.headMinT <= maxt && s.headMaxT >= mint) {
    // The head stays one chunk, however many samples the cut policy lets it hold.
    const kept = withoutRange(s.headBytes(), mint, maxt, 0xffff)[0];
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

/** Recomputes a series' time bounds (and live staged row count) from its chunks and head; drops it when nothing is left. */
export function refreshBounds(store: SqliteStorage, s: HeadSeries): boolean {
  const b = store.db
    .prepare<[number], { mn: number | null; mx: number | null }>('SELECT MIN(min_t) AS mn, MAX(max_t) AS mx FROM chunks WHERE series_id = ?')
    .get(s.id)!;
  const st = store.db
    .prepare<unknown[], { mn: number | null; mx: number | null; n: number }>(
      `SELECT MIN(min_t) AS mn, MAX(max_t) AS mx, COUNT(*) AS n FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL} AND min_t > ?`,
    )
    .get(...stagedRowIds(s.id), s.chunksMaxT)!;
  s.stagedRows = st.n;
  let minT = Math.min(b.mn ?? Infinity, st.mn ?? Infinity);
  let maxT = Math.max(b.mx ?? -Infinity, st.mx ?? -Infinity);
  if (s.headNumSamples() > 0) {
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
