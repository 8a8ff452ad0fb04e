/**
 * Numeric state of the head series, one row per series in shared typed arrays.
 *
 * A timestamp or a float64's bits held in an object field is a boxed number on the V8 heap
 * (16 bytes, plus the field); HeadSeries had thirteen of them, ~330 bytes per series with the
 * fields, 3 MB for 10k series. In a column it is 8 (or 4) bytes and no object. HeadSeries reads
 * and writes its row through accessors, so callers keep using `s.lastT`. The head chunk is here
 * too (its arena slot, bit length and encoder state), so a series needs no XorChunk or
 * XorAppender object of its own, and so are its flags and counters: an object field costs 8
 * bytes per series even when it holds a boolean.
 */

/** Float64 fields of a row (timestamps, bounds, stamps). */
export const HEAD_MIN_T = 0;
export const HEAD_MAX_T = 1;
/** The newest max_t of a series' rows in `chunks` (see HeadSeries.chunksMaxT). */
export const CHUNKS_MAX_T = 2;
export const LAST_T = 3;
export const PEND_T = 4;
export const PEND_STAMP = 5;
export const MIN_T = 6;
export const MAX_T = 7;
export const DB_MIN_T = 8;
export const DB_MAX_T = 9;
/** The head chunk's XOR encoder: last timestamp and delta. */
export const ENC_T = 10;
export const ENC_T_DELTA = 11;
export const F64_PER_ROW = 12;

/** Uint32 fields of a row (a float64 value as its high and low words). */
export const LAST_HI = 0;
export const LAST_LO = 1;
export const PEND_HI = 2;
export const PEND_LO = 3;
/** The head chunk's XOR encoder: last value's bits, and the current XOR window. */
export const ENC_V_HI = 4;
export const ENC_V_LO = 5;
export const ENC_LEADING = 6;
export const ENC_TRAILING = 7;
/**
 * The head chunk's arena slot plus one (0: no head chunk), its bits after the header and its
 * samples (also in its header, but apply need not read the chunk's memory to decide on a cut).
 */
export const HEAD_SLOT = 8;
export const HEAD_BITS = 9;
export const HEAD_SAMPLES = 10;
/** FLAG_* bits. */
export const FLAGS = 11;
/**
 * The series' live rows in staged_chunks (bits 0-7: cut chunks not yet moved into chunks by
 * stage two, see packing.ts) and the slot its next cut chunk goes to (bits 8-15).
 */
export const STAGED = 12;
export const U32_PER_ROW = 13;

/** Bits of the FLAGS field. */
export const FLAG_PERSISTED = 1;
export const FLAG_HEAD_DIRTY = 2;
export const FLAG_HEAD_ROW_STORED = 4;
/** The store holds the series in its list of cut chunks to write (see SqliteStorage.cutApplied). */
export const FLAG_CUT_PENDING = 8;

/** What a new row holds: no samples yet (empty bounds), nothing packed. */
const F64_DEFAULTS = new Float64Array(F64_PER_ROW);
F64_DEFAULTS[CHUNKS_MAX_T] = -Infinity;
F64_DEFAULTS[LAST_T] = -Infinity;
F64_DEFAULTS[MIN_T] = Infinity;
F64_DEFAULTS[MAX_T] = -Infinity;
F64_DEFAULTS[DB_MIN_T] = Infinity;
F64_DEFAULTS[DB_MAX_T] = -Infinity;

/**
 * Row 0 is never handed out: a series dropped from the store moves there, so a caller still
 * holding it (an appender mid-batch, which then skips it as deleted) cannot write into the
 * row of a series created later. Being on row 0 is what marks a series deleted.
 */
export const DETACHED_ROW = 0;

export class HeadColumns {
  f64: Float64Array;
  u32: Uint32Array;
  private capacity: number;
  private nextRow = 1;
  private readonly freeRows: number[] = [];

  constructor(initialRows = 1024) {
    this.capacity = Math.max(2, initialRows);
    this.f64 = new Float64Array(this.capacity * F64_PER_ROW);
    this.u32 = new Uint32Array(this.capacity * U32_PER_ROW);
    this.reset(DETACHED_ROW);
  }

  /** A row holding the defaults of a series without samples. */
  alloc(): number {
    let row = this.freeRows.pop();
    if (row === undefined) {
      if (this.nextRow === this.capacity) this.grow();
      row = this.nextRow++;
    }
    this.reset(row);
    return row;
  }

  /** Gives a row back for reuse; the caller must stop using it (see DETACHED_ROW). */
  free(row: number): void {
    if (row !== DETACHED_ROW) this.freeRows.push(row);
  }

  /** Rows handed out and not freed. */
  rowsInUse(): number {
    return this.nextRow - 1 - this.freeRows.length;
  }

  private reset(row: number): void {
    this.f64.set(F64_DEFAULTS, row * F64_PER_ROW);
    this.u32.fill(0, row * U32_PER_ROW, (row + 1) * U32_PER_ROW);
  }

  /** Grows by half: a copy now and then, and at most a third of the columns unused. */
  private grow(): void {
    this.capacity = Math.ceil(this.capacity * 1.5);
    const f64 = new Float64Array(this.capacity * F64_PER_ROW);
    f64.set(this.f64);
    const u32 = new Uint32Array(this.capacity * U32_PER_ROW);
    u32.set(this.u32);
    this.f64 = f64;
    this.u32 = u32;
  }
}

/**
 * The rows of every store's head series in the process (like headChunkArena for their bytes):
 * a series reaches its row without a pointer of its own to the columns. A store gives its
 * rows back when it closes.
 */
export const headColumns = new HeadColumns();
