/**
 * In-memory state of one series: its open head chunk, chunks cut since the last compaction,
 * the last committed sample (for out-of-order / duplicate checks) and its time bounds.
 */
import type { Labels } from './labels.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { XorChunk, type XorAppender } from './xorChunk.ts';

export interface CutPolicy {
  /** Cut the head chunk once it holds this many samples. */
  maxSamples: number;
  /** ...or once a sample is this far past the chunk's first sample (ms). */
  maxRangeMs: number;
}

export const DEFAULT_CUT_POLICY: CutPolicy = { maxSamples: 120, maxRangeMs: 2 * 3600_000 };

/** Outcome of applying a committed sample. */
export const APPLIED = 0;
export const SAME_AS_LAST = 1;
export const OUT_OF_ORDER = 2;
export const DUPLICATE = 3;

export class HeadSeries {
  /** Whether the series row and its postings are in the database. */
  persisted = false;
  /** Set when deleteSeries/retention removed the series (appenders may still hold it). */
  deleted = false;
  head: XorChunk | null = null;
  private headApp: XorAppender | null = null;
  headMinT = 0;
  headMaxT = 0;
  /** Head changed since it was last checkpointed into head_chunks. */
  headDirty = false;
  /** Whether head_chunks holds a row for this series. */
  headRowStored = false;
  /** Chunks cut from the head and not yet written to the chunks table. */
  closed: ChunkRef[] = [];

  /** XOR rows in the chunks table newer than packCursor (candidates for packing). */
  xorRowsInDb = 0;
  /** Rows with min_t <= packCursor are packed (or were found not worth packing). */
  packCursor = -Infinity;

  lastT = -Infinity;
  lastHi = 0;
  lastLo = 0;
  /** Last sample appended within the batch stamped pendStamp (not yet committed). */
  pendStamp = 0;
  pendT = 0;
  pendHi = 0;
  pendLo = 0;
  /** Bounds over all stored samples (chunks table, closed and head). */
  minT = Infinity;
  maxT = -Infinity;
  /** Bounds of the rows in the chunks table; may be wider than them (deletions do not shrink it). */
  dbMinT = Infinity;
  dbMaxT = -Infinity;

  constructor(
    readonly id: number,
    readonly labels: Labels,
  ) {}

  /** Applies a committed sample (log order); returns APPLIED or why it was skipped. */
  apply(t: number, hi: number, lo: number, cut: CutPolicy): number {
    if (t <= this.lastT) {
      if (t < this.lastT) return OUT_OF_ORDER;
      return hi === this.lastHi && lo === this.lastLo ? SAME_AS_LAST : DUPLICATE;
    }
    let app = this.headApp;
    const head = this.head;
    if (head === null || app === null || head.numSamples() >= cut.maxSamples || t - this.headMinT >= cut.maxRangeMs) {
      if (head !== null && head.numSamples() > 0) {
        this.closed.push({ minT: this.headMinT, maxT: this.headMaxT, data: head.bytes().slice(), sid: this.id });
      }
      const c = new XorChunk();
      app = c.appender();
      this.head = c;
      this.headApp = app;
      this.headMinT = t;
    }
    app.appendBits(t, hi, lo);
    this.headMaxT = t;
    this.headDirty = true;
    this.lastT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    return APPLIED;
  }

  /** Restores the head from a checkpointed chunk. */
  restoreHead(data: Uint8Array, minT: number, maxT: number): void {
    const c = new XorChunk(data);
    this.headApp = c.appender();
    this.head = c;
    this.headMinT = minT;
    this.headMaxT = maxT;
    this.headRowStored = true;
    this.headDirty = false;
  }

  dropHead(): void {
    this.head = null;
    this.headApp = null;
    this.headDirty = true;
  }

  /** Number of in-memory chunks (head + cut, not yet compacted). */
  memChunks(): number {
    return this.closed.length + (this.head ? 1 : 0);
  }
}
