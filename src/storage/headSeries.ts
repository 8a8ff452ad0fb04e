/**
 * In-memory state of one series: its open head chunk, chunks cut and not yet written, the last
 * committed sample (for out-of-order / duplicate checks) and its time bounds. The numbers live in
 * the store's HeadColumns (see headColumns.ts), the head's bytes in the chunk arena.
 */
import type { Labels } from './labels.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { copyChunkBytes, headChunkArena, NO_SLOT } from './chunkArena.ts';
import { XorAppender, XorChunk, XorIterator } from './xorChunk.ts';
import { splitChunk, StColumn, wrapStChunk } from './startTimestamps.ts';
import {
  DB_MAX_T, DB_MIN_T, DETACHED_ROW, ENC_LEADING, ENC_T, ENC_T_DELTA, ENC_TRAILING, ENC_V_HI, ENC_V_LO, F64_PER_ROW,
  HEAD_MAX_T, HEAD_MIN_T, LAST_HI, LAST_LO, LAST_T, MAX_T, MIN_T, PACK_CURSOR, PEND_HI, PEND_LO, PEND_STAMP, PEND_T,
  U32_PER_ROW, type HeadColumns,
} from './headColumns.ts';

export interface CutPolicy {
  /** Cut the head chunk once it holds this many samples. */
  maxSamples: number;
  /** ...or once a sample is this far past the chunk's first sample (ms). */
  maxRangeMs: number;
}

/** Room a new head chunk starts with (its first few samples); it grows a size class at a time. */
const HEAD_INITIAL_BYTES = 64;

/**
 * The closed list of every series without cut chunks, which is nearly all of them between
 * compactions: one empty array per series was 10k arrays. Frozen: apply replaces it before a push.
 */
export const NO_CHUNKS = Object.freeze([]) as unknown as ChunkRef[];

/** Appends to every head chunk in the process (see apply). */
const headAppender = new XorAppender(new XorChunk());

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
  /** The open chunk (its bytes in the head chunk arena; its encoder state in the columns). */
  head: XorChunk | null = null;
  /** Start timestamps of the head's samples; null until one of them has an ST. */
  private headSt: StColumn | null = null;
  /** Head changed since it was last checkpointed into head_chunks. */
  headDirty = false;
  /** Whether head_chunks holds a row for this series. */
  headRowStored = false;
  /**
   * Chunks cut from the head and not yet written to the chunks table (NO_CHUNKS, shared, when
   * none). Right after a cut their data are views of the old head's arena slot, held in
   * cutSlots: the store writes them before any query can see them and then calls
   * closedWritten(), or, if the write failed, keepClosedInMemory() (copies).
   */
  closed: ChunkRef[] = NO_CHUNKS;
  /** Arena slots of head chunks cut and not yet written or copied (they back `closed` data). */
  private cutSlots: number[] | null = null;
  /** XOR rows in the chunks table newer than packCursor (candidates for packing). */
  xorRowsInDb = 0;
  /** This series' row in the store's HeadColumns (its numeric state, see the accessors below). */
  private row: number;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    private readonly cols: HeadColumns,
  ) {
    this.row = cols.alloc();
  }

  /** The series was dropped: frees its cut chunks' and head's arena bytes and gives its row back to the columns. */
  detach(): void {
    this.releaseCutSlots();
    this.closed = NO_CHUNKS;
    this.dropHead();
    this.cols.free(this.row);
    this.row = DETACHED_ROW;
  }

  /** Time bounds of the head chunk. */
  get headMinT(): number { return this.cols.f64[this.row * F64_PER_ROW + HEAD_MIN_T]; }
  set headMinT(t: number) { this.cols.f64[this.row * F64_PER_ROW + HEAD_MIN_T] = t; }
  get headMaxT(): number { return this.cols.f64[this.row * F64_PER_ROW + HEAD_MAX_T]; }
  set headMaxT(t: number) { this.cols.f64[this.row * F64_PER_ROW + HEAD_MAX_T] = t; }
  /** Rows with min_t <= packCursor are packed (or were found not worth packing). */
  get packCursor(): number { return this.cols.f64[this.row * F64_PER_ROW + PACK_CURSOR]; }
  set packCursor(t: number) { this.cols.f64[this.row * F64_PER_ROW + PACK_CURSOR] = t; }
  /** Last committed sample: timestamp and value bits. */
  get lastT(): number { return this.cols.f64[this.row * F64_PER_ROW + LAST_T]; }
  set lastT(t: number) { this.cols.f64[this.row * F64_PER_ROW + LAST_T] = t; }
  get lastHi(): number { return this.cols.u32[this.row * U32_PER_ROW + LAST_HI]; }
  set lastHi(w: number) { this.cols.u32[this.row * U32_PER_ROW + LAST_HI] = w; }
  get lastLo(): number { return this.cols.u32[this.row * U32_PER_ROW + LAST_LO]; }
  set lastLo(w: number) { this.cols.u32[this.row * U32_PER_ROW + LAST_LO] = w; }
  /** Last sample appended within the batch stamped pendStamp (not yet committed). */
  get pendStamp(): number { return this.cols.f64[this.row * F64_PER_ROW + PEND_STAMP]; }
  set pendStamp(n: number) { this.cols.f64[this.row * F64_PER_ROW + PEND_STAMP] = n; }
  get pendT(): number { return this.cols.f64[this.row * F64_PER_ROW + PEND_T]; }
  set pendT(t: number) { this.cols.f64[this.row * F64_PER_ROW + PEND_T] = t; }
  get pendHi(): number { return this.cols.u32[this.row * U32_PER_ROW + PEND_HI]; }
  set pendHi(w: number) { this.cols.u32[this.row * U32_PER_ROW + PEND_HI] = w; }
  get pendLo(): number { return this.cols.u32[this.row * U32_PER_ROW + PEND_LO]; }
  set pendLo(w: number) { this.cols.u32[this.row * U32_PER_ROW + PEND_LO] = w; }
  /** Bounds over all stored samples (chunks table, closed and head). */
  get minT(): number { return this.cols.f64[this.row * F64_PER_ROW + MIN_T]; }
  set minT(t: number) { this.cols.f64[this.row * F64_PER_ROW + MIN_T] = t; }
  get maxT(): number { return this.cols.f64[this.row * F64_PER_ROW + MAX_T]; }
  set maxT(t: number) { this.cols.f64[this.row * F64_PER_ROW + MAX_T] = t; }
  /** Bounds of the rows in the chunks table; may be wider than them (deletions do not shrink it). */
  get dbMinT(): number { return this.cols.f64[this.row * F64_PER_ROW + DB_MIN_T]; }
  set dbMinT(t: number) { this.cols.f64[this.row * F64_PER_ROW + DB_MIN_T] = t; }
  get dbMaxT(): number { return this.cols.f64[this.row * F64_PER_ROW + DB_MAX_T]; }
  set dbMaxT(t: number) { this.cols.f64[this.row * F64_PER_ROW + DB_MAX_T] = t; }

  /** Applies a committed sample (log order; st NaN = no start timestamp); returns APPLIED (or APPLIED_AFTER_CUT) or why it was skipped. */
  apply(t: number, hi: number, lo: number, cut: CutPolicy, st: number): number {
    const f64 = this.cols.f64;
    const u32 = this.cols.u32;
    const f = this.row * F64_PER_ROW;
    const w = this.row * U32_PER_ROW;
    const lastT = f64[f + LAST_T];
    if (t <= lastT) {
      if (t < lastT) return OUT_OF_ORDER;
      return hi === u32[w + LAST_HI] && lo === u32[w + LAST_LO] ? SAME_AS_LAST : DUPLICATE;
    }
    let head = this.head;
    let result = APPLIED;
    if (head === null || head.numSamples() >= cut.maxSamples || t - f64[f + HEAD_MIN_T] >= cut.maxRangeMs) {
      // Start small: all series of a target cut at the same scrape, and heads reserved at their
      // final size would hold (for 10k series) megabytes that only fill up over the next chunk.
      if (head !== null && head.numSamples() > 0) {
        // The cut chunk keeps its arena bytes (no copy) until the store has written it, which it
        // does before the call that applied this sample returns (see closedWritten).
        if (this.closed === NO_CHUNKS) this.closed = [];
        const data = this.headSt === null ? head.bytes() : wrapStChunk(head.bytes(), this.headSt.bytes());
        this.closed.push({ minT: f64[f + HEAD_MIN_T], maxT: f64[f + HEAD_MAX_T], data, sid: this.id });
        (this.cutSlots ??= []).push(head.takeSlot());
        result = APPLIED_AFTER_CUT;
      }
      if (head === null) head = this.head = new XorChunk(undefined, headChunkArena, HEAD_INITIAL_BYTES);
      else head.restart(HEAD_INITIAL_BYTES);
      u32[w + ENC_LEADING] = 0xff; // no XOR window yet (the other encoder fields are set by the first sample)
      this.headSt = null;
      f64[f + HEAD_MIN_T] = t;
    }
    // The one shared appender takes this series' encoder state, appends, and gives it back.
    const app = headAppender;
    app.c = head;
    app.n = head.numSamples();
    app.t = f64[f + ENC_T];
    app.tDelta = f64[f + ENC_T_DELTA];
    app.vHi = u32[w + ENC_V_HI];
    app.vLo = u32[w + ENC_V_LO];
    app.leading = u32[w + ENC_LEADING];
    app.trailing = u32[w + ENC_TRAILING];
    app.appendBits(t, hi, lo);
    this.saveEncoderState(app);
    if (st === st) (this.headSt ??= StColumn.withAbsentPrefix(this.head!.numSamples() - 1)).append(t, st);
    else if (this.headSt !== null) this.headSt.append(t, st);
    f64[f + HEAD_MAX_T] = t;
    this.headDirty = true;
    f64[f + LAST_T] = t;
    u32[w + LAST_HI] = hi;
    u32[w + LAST_LO] = lo;
    if (t < f64[f + MIN_T]) f64[f + MIN_T] = t;
    if (t > f64[f + MAX_T]) f64[f + MAX_T] = t;
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
    const app = c.appender(); // copies the bytes into the arena...
    this.head?.release(); // ...before the old head's slot is zeroed (data may be a view of it)
    this.head = c;
    this.saveEncoderState(app);
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

  private saveEncoderState(app: XorAppender): void {
    const f = this.row * F64_PER_ROW;
    const w = this.row * U32_PER_ROW;
    this.cols.f64[f + ENC_T] = app.t;
    this.cols.f64[f + ENC_T_DELTA] = app.tDelta;
    this.cols.u32[w + ENC_V_HI] = app.vHi;
    this.cols.u32[w + ENC_V_LO] = app.vLo;
    this.cols.u32[w + ENC_LEADING] = app.leading;
    this.cols.u32[w + ENC_TRAILING] = app.trailing;
  }

  dropHead(): void {
    this.head?.release();
    this.head = null;
    this.headSt = null;
    this.headDirty = true;
  }

  /** The closed chunks are in the chunks table: forget them and free the arena bytes they used. */
  closedWritten(): void {
    this.releaseCutSlots();
    this.closed = NO_CHUNKS;
  }

  /** The closed chunks could not be written now: keep copies of them for the next compaction. */
  keepClosedInMemory(): void {
    if (this.cutSlots === null) return;
    for (const c of this.closed) c.data = copyChunkBytes(c.data);
    this.releaseCutSlots();
  }

  private releaseCutSlots(): void {
    if (this.cutSlots === null) return;
    for (const slot of this.cutSlots) if (slot !== NO_SLOT) headChunkArena.free(slot);
    this.cutSlots = null;
  }

  /** Number of in-memory chunks (head + cut, not yet compacted). */
  memChunks(): number {
    return this.closed.length + (this.head ? 1 : 0);
  }
}
