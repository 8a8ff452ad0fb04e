/**
 * In-memory state of one series: its open head chunk, chunks cut and not yet written, the last
 * committed sample (for out-of-order / duplicate checks) and its time bounds. The numbers, the
 * flags and where the head chunk is live in headColumns (see headColumns.ts), the head's bytes
 * in the chunk arena: the object itself holds little more than its id, labels and row.
 */
import type { Labels } from './labels.ts';
import type { ChunkRef } from './chunkSeqIterator.ts';
import { copyChunkBytes, headChunkArena, NO_SLOT } from './chunkArena.ts';
import { XorAppender, XorChunk, XorIterator } from './xorChunk.ts';
import { splitChunk, StColumn, wrapStChunk } from './startTimestamps.ts';
import {
  CHUNKS_MAX_T, DB_MAX_T, DB_MIN_T, DETACHED_ROW, ENC_LEADING, ENC_T, ENC_T_DELTA, ENC_TRAILING, ENC_V_HI, ENC_V_LO, F64_PER_ROW,
  FLAG_CUT_PENDING, FLAG_HEAD_DIRTY, FLAG_HEAD_ROW_STORED, FLAG_PERSISTED, FLAGS, HEAD_BITS, HEAD_MAX_T, HEAD_MIN_T, HEAD_SAMPLES, HEAD_SLOT,
  headColumns, LAST_HI, LAST_LO, LAST_T, MAX_T, MIN_T, PEND_HI, PEND_LO, PEND_STAMP, PEND_T, U32_PER_ROW,
  STAGED,
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

/**
 * The head chunk of whichever series is being appended to or read: a series keeps only its
 * head's arena slot, bit length and sample count (in its row), and this chunk is pointed at
 * them for the length of a call (see attachHead). A per-series XorChunk was ~72 bytes of heap.
 */
const headChunk = new XorChunk(new Uint8Array(2), headChunkArena);
/** Appends to every head chunk in the process (see apply). */
const headAppender = new XorAppender(headChunk);


export const DEFAULT_CUT_POLICY: CutPolicy = { maxSamples: 120, maxRangeMs: 2 * 3600_000 };

/** Outcome of applying a committed sample. */
export const APPLIED = 0;
export const SAME_AS_LAST = 1;
export const OUT_OF_ORDER = 2;
export const DUPLICATE = 3;
/** Applied, after closing the head chunk (now in `closed`, waiting for compaction). */
export const APPLIED_AFTER_CUT = 4;

export class HeadSeries {
  /** Start timestamps of the head's samples; null until one of them has an ST. */
  private headSt: StColumn | null = null;
  /**
   * Chunks cut from the head and not yet written to the chunks table (NO_CHUNKS, shared, when
   * none). Right after a cut their data are views of the old head's arena slot, held in
   * cutSlots: the store writes them before any query can see them and then calls
   * closedWritten(), or, if the write failed, keepClosedInMemory() (copies).
   */
  closed: ChunkRef[] = NO_CHUNKS;
  /**
   * Arena slots of head chunks cut and not yet written or copied (they back `closed` data).
   * A field, not a Map beside the series: a Map filled and emptied by a 10k-series cut wave
   * kept ~2 MB of the wave's records alive into the old generation (bench:scrape heap).
   */
  private cutSlots: number[] | null = null;
  /**
   * This series' row in headColumns: its numbers, flags and head chunk (see the accessors
   * below). DETACHED_ROW once the series was dropped.
   */
  private row: number;

  constructor(
    readonly id: number,
    readonly labels: Labels,
  ) {
    this.row = headColumns.alloc();
  }

  /** The series was dropped: frees its cut chunks' and head's arena bytes and gives its row back (it is `deleted` from now on). */
  detach(): void {
    this.releaseCutSlots();
    this.closed = NO_CHUNKS;
    this.dropHead();
    headColumns.free(this.row);
    this.row = DETACHED_ROW;
  }

  /** Set when deleteSeries/retention removed the series (appenders may still hold it): it was detached. */
  get deleted(): boolean { return this.row === DETACHED_ROW; }
  /** Whether the series row and its postings are in the database. */
  get persisted(): boolean { return this.flag(FLAG_PERSISTED); }
  set persisted(on: boolean) { this.setFlag(FLAG_PERSISTED, on); }
  /** Head changed since it was last checkpointed into head_chunks. */
  get headDirty(): boolean { return this.flag(FLAG_HEAD_DIRTY); }
  set headDirty(on: boolean) { this.setFlag(FLAG_HEAD_DIRTY, on); }
  /** Whether head_chunks holds a row for this series. */
  get headRowStored(): boolean { return this.flag(FLAG_HEAD_ROW_STORED); }
  set headRowStored(on: boolean) { this.setFlag(FLAG_HEAD_ROW_STORED, on); }
  /** Listed by the store among the series whose cut chunks it is about to write. */
  get cutPending(): boolean { return this.flag(FLAG_CUT_PENDING); }
  set cutPending(on: boolean) { this.setFlag(FLAG_CUT_PENDING, on); }
  /** Live rows in staged_chunks: cut chunks waiting for stage two to move them into chunks (packing.ts). */
  get stagedRows(): number { return headColumns.u32[this.row * U32_PER_ROW + STAGED] & 0xff; }
  set stagedRows(n: number) {
    const w = this.row * U32_PER_ROW + STAGED;
    headColumns.u32[w] = (headColumns.u32[w] & ~0xff) | n;
  }
  /** The staged_chunks slot (0..PACK_CHUNKS-1) the series' next cut chunk goes into. */
  get stagedSlot(): number { return (headColumns.u32[this.row * U32_PER_ROW + STAGED] >>> 8) & 0xff; }
  set stagedSlot(k: number) {
    const w = this.row * U32_PER_ROW + STAGED;
    headColumns.u32[w] = (headColumns.u32[w] & ~0xff00) | (k << 8);
  }

  private flag(bit: number): boolean {
    return (headColumns.u32[this.row * U32_PER_ROW + FLAGS] & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    const u32 = headColumns.u32;
    const w = this.row * U32_PER_ROW + FLAGS;
    u32[w] = on ? u32[w] | bit : u32[w] & ~bit;
  }

  /** Time bounds of the head chunk. */
  get headMinT(): number { return headColumns.f64[this.row * F64_PER_ROW + HEAD_MIN_T]; }
  set headMinT(t: number) { headColumns.f64[this.row * F64_PER_ROW + HEAD_MIN_T] = t; }
  get headMaxT(): number { return headColumns.f64[this.row * F64_PER_ROW + HEAD_MAX_T]; }
  set headMaxT(t: number) { headColumns.f64[this.row * F64_PER_ROW + HEAD_MAX_T] = t; }
  /**
   * The newest max_t of the series' rows in `chunks` (-Infinity without any). Stage two moves
   * the oldest live staged rows, which come after every `chunks` row, so a staged row is live
   * (not yet moved) exactly when its min_t is after this; a moved one stays in its slot until a
   * later cut overwrites it.
   */
  get chunksMaxT(): number { return headColumns.f64[this.row * F64_PER_ROW + CHUNKS_MAX_T]; }
  set chunksMaxT(t: number) { headColumns.f64[this.row * F64_PER_ROW + CHUNKS_MAX_T] = t; }
  /** Last committed sample: timestamp and value bits. */
  get lastT(): number { return headColumns.f64[this.row * F64_PER_ROW + LAST_T]; }
  set lastT(t: number) { headColumns.f64[this.row * F64_PER_ROW + LAST_T] = t; }
  get lastHi(): number { return headColumns.u32[this.row * U32_PER_ROW + LAST_HI]; }
  set lastHi(w: number) { headColumns.u32[this.row * U32_PER_ROW + LAST_HI] = w; }
  get lastLo(): number { return headColumns.u32[this.row * U32_PER_ROW + LAST_LO]; }
  set lastLo(w: number) { headColumns.u32[this.row * U32_PER_ROW + LAST_LO] = w; }
  /** Last sample appended within the batch stamped pendStamp (not yet committed). */
  get pendStamp(): number { return headColumns.f64[this.row * F64_PER_ROW + PEND_STAMP]; }
  set pendStamp(n: number) { headColumns.f64[this.row * F64_PER_ROW + PEND_STAMP] = n; }
  get pendT(): number { return headColumns.f64[this.row * F64_PER_ROW + PEND_T]; }
  set pendT(t: number) { headColumns.f64[this.row * F64_PER_ROW + PEND_T] = t; }
  get pendHi(): number { return headColumns.u32[this.row * U32_PER_ROW + PEND_HI]; }
  set pendHi(w: number) { headColumns.u32[this.row * U32_PER_ROW + PEND_HI] = w; }
  get pendLo(): number { return headColumns.u32[this.row * U32_PER_ROW + PEND_LO]; }
  set pendLo(w: number) { headColumns.u32[this.row * U32_PER_ROW + PEND_LO] = w; }
  /** Bounds over all stored samples (chunks table, closed and head). */
  get minT(): number { return headColumns.f64[this.row * F64_PER_ROW + MIN_T]; }
  set minT(t: number) { headColumns.f64[this.row * F64_PER_ROW + MIN_T] = t; }
  get maxT(): number { return headColumns.f64[this.row * F64_PER_ROW + MAX_T]; }
  set maxT(t: number) { headColumns.f64[this.row * F64_PER_ROW + MAX_T] = t; }
  /** Bounds of the rows in `chunks` and the live ones in staged_chunks; may be wider than them (deletions do not shrink it). */
  get dbMinT(): number { return headColumns.f64[this.row * F64_PER_ROW + DB_MIN_T]; }
  set dbMinT(t: number) { headColumns.f64[this.row * F64_PER_ROW + DB_MIN_T] = t; }
  get dbMaxT(): number { return headColumns.f64[this.row * F64_PER_ROW + DB_MAX_T]; }
  set dbMaxT(t: number) { headColumns.f64[this.row * F64_PER_ROW + DB_MAX_T] = t; }

  /** Applies a committed sample (log order; st NaN = no start timestamp); returns APPLIED (or APPLIED_AFTER_CUT) or why it was skipped. */
  apply(t: number, hi: number, lo: number, cut: CutPolicy, st: number): number {
    const { f64, u32 } = headColumns;
    const f = this.row * F64_PER_ROW;
    const w = this.row * U32_PER_ROW;
    const lastT = f64[f + LAST_T];
    if (t <= lastT) {
      if (t < lastT) return OUT_OF_ORDER;
      return hi === u32[w + LAST_HI] && lo === u32[w + LAST_LO] ? SAME_AS_LAST : DUPLICATE;
    }
    const head = headChunk;
    const slot = u32[w + HEAD_SLOT] - 1;
    head.attach(slot, u32[w + HEAD_BITS] | 0);
    let n = u32[w + HEAD_SAMPLES];
    let result = APPLIED;
    if (slot === NO_SLOT || n >= cut.maxSamples || t - f64[f + HEAD_MIN_T] >= cut.maxRangeMs) {
      // Start small: all series of a target cut at the same scrape, and heads reserved at their
      // final size would hold (for 10k series) megabytes that only fill up over the next chunk.
      if (n > 0) {
        // The cut chunk keeps its arena bytes (no copy) until the store has written it, which it
        // does before the call that applied this sample returns (see closedWritten).
        if (this.closed === NO_CHUNKS) this.closed = [];
        const data = this.headSt === null ? head.bytes() : wrapStChunk(head.bytes(), this.headSt.bytes());
        this.closed.push({ minT: f64[f + HEAD_MIN_T], maxT: f64[f + HEAD_MAX_T], data, sid: this.id });
        (this.cutSlots ??= []).push(head.takeSlot());
        result = APPLIED_AFTER_CUT;
      }
      head.restart(HEAD_INITIAL_BYTES); // (frees the slot of a head without samples)
      n = 0;
      u32[w + ENC_LEADING] = 0xff; // no XOR window yet (the other encoder fields are set by the first sample)
      this.headSt = null;
      f64[f + HEAD_MIN_T] = t;
    }
    // The one shared appender takes this series' encoder state, appends, and gives it back.
    const app = headAppender;
    app.n = n;
    app.t = f64[f + ENC_T];
    app.tDelta = f64[f + ENC_T_DELTA];
    app.vHi = u32[w + ENC_V_HI];
    app.vLo = u32[w + ENC_V_LO];
    app.leading = u32[w + ENC_LEADING];
    app.trailing = u32[w + ENC_TRAILING];
    app.appendBits(t, hi, lo);
    this.saveEncoderState(app);
    if (st === st) (this.headSt ??= StColumn.withAbsentPrefix(n)).append(t, st);
    else if (this.headSt !== null) this.headSt.append(t, st);
    f64[f + HEAD_MAX_T] = t;
    u32[w + FLAGS] |= FLAG_HEAD_DIRTY;
    f64[f + LAST_T] = t;
    u32[w + LAST_HI] = hi;
    u32[w + LAST_LO] = lo;
    if (t < f64[f + MIN_T]) f64[f + MIN_T] = t;
    if (t > f64[f + MAX_T]) f64[f + MAX_T] = t;
    return result;
  }

  /** Whether the series has an open head chunk. */
  hasHead(): boolean {
    return headColumns.u32[this.row * U32_PER_ROW + HEAD_SLOT] !== 0;
  }

  /** Samples in the head chunk (0 without one). */
  headNumSamples(): number {
    return headColumns.u32[this.row * U32_PER_ROW + HEAD_SAMPLES];
  }

  /** The head chunk's bytes (ST-wrapped when it has STs): a view valid until the next append. Call only with a head. */
  headBytes(): Uint8Array {
    const xor = this.attachHead().bytes();
    return this.headSt === null ? xor : wrapStChunk(xor, this.headSt.bytes());
  }

  /** A copy of the head chunk (ST-wrapped when it has STs), unaffected by later appends and cuts. Call only with a head. */
  headSnapshot(): Uint8Array {
    const xor = this.attachHead().bytes();
    return this.headSt === null ? copyChunkBytes(xor) : wrapStChunk(xor, this.headSt.bytes());
  }

  /** Restores the head from a checkpointed chunk (plain or ST-wrapped XOR). */
  restoreHead(data: Uint8Array, minT: number, maxT: number): void {
    const { xor, st } = splitChunk(data);
    const c = new XorChunk(xor, headChunkArena);
    const app = c.appender(); // copies the bytes into the arena...
    if (c.slot === NO_SLOT) c.resize(Math.max(32, c.cap)); // (only a chunk with samples is decoded and copied)
    this.freeHead(); // ...before the old head's slot is zeroed (data may be a view of it)
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

  /** Points the shared head chunk at this series' head (its slot is NO_SLOT without one). */
  private attachHead(): XorChunk {
    const u32 = headColumns.u32;
    const w = this.row * U32_PER_ROW;
    headChunk.attach(u32[w + HEAD_SLOT] - 1, u32[w + HEAD_BITS] | 0);
    return headChunk;
  }

  /** Saves the appender's encoder state, and where its chunk is and how long, into the row. */
  private saveEncoderState(app: XorAppender): void {
    const { f64, u32 } = headColumns;
    const f = this.row * F64_PER_ROW;
    const w = this.row * U32_PER_ROW;
    f64[f + ENC_T] = app.t;
    f64[f + ENC_T_DELTA] = app.tDelta;
    u32[w + ENC_V_HI] = app.vHi;
    u32[w + ENC_V_LO] = app.vLo;
    u32[w + ENC_LEADING] = app.leading;
    u32[w + ENC_TRAILING] = app.trailing;
    u32[w + HEAD_SLOT] = app.c.slot + 1;
    u32[w + HEAD_BITS] = app.c.bitLen;
    u32[w + HEAD_SAMPLES] = app.n;
  }

  dropHead(): void {
    this.freeHead();
    this.headSt = null;
    this.headDirty = true;
  }

  /** Gives the head chunk's slot back to the arena. */
  private freeHead(): void {
    const u32 = headColumns.u32;
    const w = this.row * U32_PER_ROW;
    if (u32[w + HEAD_SLOT] !== 0) headChunkArena.free(u32[w + HEAD_SLOT] - 1);
    u32[w + HEAD_SLOT] = 0;
    u32[w + HEAD_BITS] = 0;
    u32[w + HEAD_SAMPLES] = 0;
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
    const slots = this.cutSlots;
    if (slots === null) return;
    for (const slot of slots) if (slot !== NO_SLOT) headChunkArena.free(slot);
    this.cutSlots = null;
  }

  /** Number of in-memory chunks (head + cut, not yet compacted). */
  memChunks(): number {
    return this.closed.length + (this.hasHead() ? 1 : 0);
  }
}
