/**
 * In-memory state of one series: its open head chunk, chunks cut since the last compaction,
 * the last committed sample (for out-of-order / duplicate checks) and its time bounds.
 */
import type { Labels } from './labels.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { copyChunkBytes, headChunkArena } from './chunkArena.ts';
import { XorChunk, XorIterator, type XorAppender } from './xorChunk.ts';
import { splitChunk, StColumn, wrapStChunk } from './startTimestamps.ts';

export interface CutPolicy {
  /** Cut the head chunk once it holds this many samples. */
  maxSamples: number;
  /** ...or once a sample is this far past the chunk's first sample (ms). */
  maxRangeMs: number;
}

/** Room a new head chunk starts with (its first few samples); it grows a size class at a time. */
const HEAD_INITIAL_BYTES = 64;

export const DEFAULT_CUT_POLICY: CutPolicy = { maxSamples: 120, maxRangeMs: 2 * 3600_000 };

/** Outcome of applying a committed sample. */
export const APPLIED = 0;
export const SAME_AS_LAST = 1;
export const OUT_OF_ORDER = 2;
export const DUPLICATE = 3;
/** Applied, after closing the head chunk (now in `closed`, waiting for compaction). */
export const APPLIED_AFTER_CUT = 4;

export class HeadSeries {
  /** Whether the series row and its postings are in the database. */
  persisted = false;
  /** Set when deleteSeries/retention removed the series (appenders may still hold it). */
  deleted = false;
  head: XorChunk | null = null;
  private headApp: XorAppender | null = null;
  /** Start timestamps of the head's samples; null until one of them has an ST. */
  private headSt: StColumn | null = null;
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

  /** Applies a committed sample (log order; st NaN = no start timestamp); returns APPLIED (or APPLIED_AFTER_CUT) or why it was skipped. */
  apply(t: number, hi: number, lo: number, cut: CutPolicy, st: number): number {
    if (t <= this.lastT) {
      if (t < this.lastT) return OUT_OF_ORDER;
      return hi === this.lastHi && lo === this.lastLo ? SAME_AS_LAST : DUPLICATE;
    }
    let app = this.headApp;
    const head = this.head;
    let result = APPLIED;
    if (head === null || app === null || head.numSamples() >= cut.maxSamples || t - this.headMinT >= cut.maxRangeMs) {
      if (head !== null && head.numSamples() > 0) {
        this.closed.push({ minT: this.headMinT, maxT: this.headMaxT, data: this.headSnapshot(), sid: this.id });
        result = APPLIED_AFTER_CUT;
      }
      // Start small: all series of a target cut at the same scrape, and heads reserved at their
      // final size would hold (for 10k series) megabytes that only fill up over the next chunk.
      const c = new XorChunk(undefined, headChunkArena, HEAD_INITIAL_BYTES);
      head?.release();
      app = c.appender();
      this.head = c;
      this.headApp = app;
      this.headSt = null;
      this.headMinT = t;
    }
    app.appendBits(t, hi, lo);
    if (st === st) (this.headSt ??= StColumn.withAbsentPrefix(this.head!.numSamples() - 1)).append(t, st);
    else if (this.headSt !== null) this.headSt.append(t, st);
    this.headMaxT = t;
    this.headDirty = true;
    this.lastT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    return result;
  }

  /** The head chunk's bytes (ST-wrapped when it has STs): a view valid until the next append. */
  headBytes(): Uint8Array {
    const xor = this.head!.bytes();
    return this.headSt === null ? xor : wrapStChunk(xor, this.headSt.bytes());
  }

  /** A copy of the head chunk (ST-wrapped when it has STs), unaffected by later appends and cuts. */
  headSnapshot(): Uint8Array {
    return this.headSt === null ? copyChunkBytes(this.head!.bytes()) : wrapStChunk(this.head!.bytes(), this.headSt.bytes());
  }

  /** Restores the head from a checkpointed chunk (plain or ST-wrapped XOR). */
  restoreHead(data: Uint8Array, minT: number, maxT: number): void {
    const { xor, st } = splitChunk(data);
    const c = new XorChunk(xor, headChunkArena);
    this.headApp = c.appender(); // copies the bytes into the arena...
    this.head?.release(); // ...before the old head's slot is zeroed (data may be a view of it)
    this.head = c;
    this.headSt = null;
    if (st !== null) {
      const it = new XorIterator();
      it.reset(c.bytes());
      this.headSt = StColumn.fromBytes(st, it.timestamps(), it.length());
    }
    this.headMinT = minT;
    this.headMaxT = maxT;
    this.headRowStored = true;
    this.headDirty = false;
  }

  dropHead(): void {
    this.head?.release();
    this.head = null;
    this.headApp = null;
    this.headSt = null;
    this.headDirty = true;
  }

  /** Number of in-memory chunks (head + cut, not yet compacted). */
  memChunks(): number {
    return this.closed.length + (this.head ? 1 : 0);
  }
}
