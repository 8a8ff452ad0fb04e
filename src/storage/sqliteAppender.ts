/**
 * The SQLite store's Appender: validates each sample against the series' last committed (or
 * pending, within this batch) sample, collects the batch in pooled typed arrays, and hands it
 * to SqliteStorage.commitBatch (one transaction, one append-log row).
 */
import type { Appender, SeriesRef } from './interface.ts';
import type { Labels } from './labels.ts';
import type { SampleBatch } from './appendLog.ts';
import type { HeadSeries } from './headSeries.ts';
import type { SqliteStorage } from './sqliteStorage.ts';

export class SqliteAppender implements Appender {
  // Batch buffers are pooled by the store: a scrape-sized batch would otherwise allocate
  // (and garbage-collect) its typed arrays on every commit.
  private batch: SampleBatch<HeadSeries>;
  private readonly newSeries: HeadSeries[] = [];
  private done = false;

  /** `stamp` is unique per appender, so pending state left on a series by a finished appender never matches. */
  constructor(
    private readonly store: SqliteStorage,
    private readonly stamp: number,
  ) {
    this.batch = store.takeBatch();
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number, st?: number): SeriesRef {
    if (this.done) throw new Error('appender already committed or rolled back');
    const s = this.store.seriesFor(ref, labels);
    F64[0] = v;
    let hi = U32[1];
    const lo = U32[0];
    if (v !== v && lo === 2 && (hi & 0x7ff7ffff) === 0x7ff00000) hi = 0x7ff00000; // canonical stale marker
    let lastT: number, lastHi: number, lastLo: number;
    if (s.pendStamp === this.stamp) {
      lastT = s.pendT;
      lastHi = s.pendHi;
      lastLo = s.pendLo;
    } else {
      lastT = s.lastT;
      lastHi = s.lastHi;
      lastLo = s.lastLo;
      if (!s.persisted) this.newSeries.push(s);
    }
    if (t <= lastT) {
      if (t < lastT) this.store.reject('out_of_order', `out of order sample for ${s.labels.toString()}: timestamp ${t} is older than ${lastT}`);
      if (hi === lastHi && lo === lastLo) return s.id;
      this.store.reject('duplicate_timestamp', `duplicate sample for timestamp ${t} with a different value for ${s.labels.toString()}`);
    }
    if (!Number.isSafeInteger(t)) throw new RangeError(`sample timestamp must be an integer number of milliseconds, got ${t}`);
    if (st !== undefined && !(Number.isSafeInteger(st) && Math.abs(t - st) <= MAX_T_MINUS_ST)) {
      throw new RangeError(`sample start timestamp must be an integer number of milliseconds within 2^52 of the timestamp, got ${st} for ${t}`);
    }
    s.pendStamp = this.stamp;
    s.pendT = t;
    s.pendHi = hi;
    s.pendLo = lo;
    this.batch.add(s, s.id, t, hi, lo, st === undefined ? NaN : st);
    return s.id;
  }

  commit(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.store.commitBatch(this.batch, this.newSeries);
    } finally {
      this.store.returnBatch(this.batch);
    }
  }

  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.store.returnBatch(this.batch);
  }
}

/** Chunks store T - ST as a zigzag varint, exact while |T - ST| <= 2^52. */
const MAX_T_MINUS_ST = 2 ** 52;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
