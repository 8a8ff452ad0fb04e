/**
 * Retention: by age (whole chunks whose newest sample is older than the cutoff, as Prometheus
 * drops whole blocks), by per-selector rules (first matching rule wins, e.g. `{tier="free"}`
 * 7 d while the default is 90 d), and by size (oldest chunks first until the pages in use fit).
 * The open head chunk is only dropped by age, never by size. Chunks staged for stage two
 * (staged_chunks) are dropped like those in `chunks`.
 */
import type { Matcher } from './matcher.ts';
import type { HeadSeries } from './headSeries.ts';
import { refreshBounds } from './deleteSeries.ts';
import { STAGED_IDS_SQL, stagedRowIds } from './packing.ts';
import type { SqliteStorage } from './sqliteStorage.ts';

export interface RetentionRule {
  matchers: Matcher[];
  retentionMs: number;
}

export interface RetentionOptions {
  /** Keep samples this long (ms); undefined = forever (unless a rule applies). */
  timeMs?: number;
  /** Keep the database's used pages under this many bytes. */
  sizeBytes?: number;
  rules?: RetentionRule[];
}

export interface RetentionResult {
  deletedChunks: number;
  deletedSeries: number;
}

const SIZE_STEP_MS = 3600_000;

export function applyRetention(store: SqliteStorage, opts: RetentionOptions, now: number): RetentionResult {
  const result: RetentionResult = { deletedChunks: 0, deletedSeries: 0 };
  const rules = opts.rules ?? [];
  if (opts.timeMs === undefined && opts.sizeBytes === undefined && rules.length === 0) return result;
  store.compact({ checkpoint: true });
  const db = store.db;
  const delBefore = db.prepare<[number, number]>('DELETE FROM chunks WHERE series_id = ? AND max_t < ?');
  // A series' staged rows: live ones count as deleted chunks; moved ones (copies of rows in
  // `chunks`, see packing.ts) go too, or they would be live again for a `chunks` that lost its newest rows.
  const delStagedBefore = db.prepare<unknown[]>(`DELETE FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL} AND max_t < ? AND min_t > ?`);
  const delMovedBefore = db.prepare<unknown[]>(`DELETE FROM staged_chunks WHERE id IN ${STAGED_IDS_SQL} AND max_t < ? AND min_t <= ?`);
  const delHead = db.prepare<[number]>('DELETE FROM head_chunks WHERE series_id = ?');
  const m = store.metrics;

  const dropBefore = (s: HeadSeries, cutoff: number, dropHead: boolean, reason: string): void => {
    let dropped = delBefore.run(s.id, cutoff).changes;
    const slots = stagedRowIds(s.id);
    dropped += delStagedBefore.run(...slots, cutoff, s.chunksMaxT).changes;
    delMovedBefore.run(...slots, cutoff, s.chunksMaxT);
    if (dropHead && s.hasHead() && s.headMaxT < cutoff) {
      s.dropHead();
      s.headDirty = false;
      s.headRowStored = false;
      delHead.run(s.id);
      dropped++;
    }
    if (dropped === 0) return;
    result.deletedChunks += dropped;
    m.retentionDeletedChunks.inc({ reason }, dropped);
    if (!refreshBounds(store, s)) {
      result.deletedSeries++;
      m.retentionDeletedSeries.inc();
    }
  };

  /** Runs fn over the series in a transaction; a failed one leaves their staged state as it was. */
  const inTransaction = (fn: (list: HeadSeries[]) => void): void => {
    const list = [...store.byId.values()];
    store.saveStaged(list);
    try {
      db.transaction(fn)(list);
    } catch (e) {
      store.restoreStaged(list);
      throw e;
    }
  };

  // Age and per-selector rules.
  const ruleSets = rules.map((r) => new Set(store.matchingSeries(r.matchers, -Infinity, Infinity).map((s) => s.id)));
  inTransaction((list) => {
    for (const s of list) {
      if (!s.persisted) continue;
      const ri = ruleSets.findIndex((set) => set.has(s.id));
      const keepMs = ri >= 0 ? rules[ri].retentionMs : opts.timeMs;
      if (keepMs === undefined) continue;
      const cutoff = now - keepMs;
      if (s.minT >= cutoff) continue;
      dropBefore(s, cutoff, true, ri >= 0 ? 'rule' : 'time');
    }
  });

  // Size: drop the oldest hour of chunks at a time until the used pages fit.
  if (opts.sizeBytes !== undefined) {
    const limit = opts.sizeBytes;
    let step = SIZE_STEP_MS;
    while (store.usedBytes() > limit) {
      let oldest = Infinity;
      for (const s of store.byId.values()) {
        // Only chunks in the table count here: the first of them ends before the head starts.
        if (s.persisted && s.minT < (s.hasHead() ? s.headMinT : Infinity) && s.minT < oldest) oldest = s.minT;
      }
      if (oldest === Infinity) break;
      const cutoff = oldest + step;
      let any = false;
      inTransaction((list) => {
        for (const s of list) {
          if (!s.persisted || s.minT >= cutoff) continue;
          const before = result.deletedChunks;
          dropBefore(s, Math.min(cutoff, s.hasHead() ? s.headMinT : cutoff), false, 'size');
          if (result.deletedChunks > before) any = true;
        }
      });
      // Chunks longer than the step: widen it until something goes (bounded by the data's span).
      if (!any) {
        if (cutoff > store.maxTime()) break;
        step *= 2;
      }
    }
  }

  if (result.deletedChunks > 0) {
    store.releaseFreePages(0);
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return result;
}
