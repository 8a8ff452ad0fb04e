/**
 * The append log's batch format: one BLOB per committed batch, little-endian, columnar so it
 * is written and read with typed-array copies (no per-sample encoding):
 *   u32 count, u32 flags, ids, [u32 tsRuns, u32 tsRunLength[tsRuns]], (pad to 8),
 *   f64 t[count, 1 or tsRuns], f64 v[count], [f64 st[count]]
 * where ids is u32 seriesId[count], or u32 id0 (bit 2), or u32 runs + (u32 first, u32 length)
 * per run (bit 3).
 * flags bit 0: every sample has the same timestamp (a scrape), stored once.
 * flags bit 1: start timestamps follow (NaN for samples without one); batches without any ST
 *   do not carry the column, so their rows are unchanged.
 * flags bit 2: the series ids are consecutive (id[i] = id[0] + i: a scrape of series created
 *   together, the common case), stored once — the row shrinks by a third and commits get cheaper.
 * flags bit 3: the ids are runs of consecutive ids, stored as (first, length) pairs.
 * flags bit 4: the timestamps are runs of equal ones, stored once per run with its length.
 * Bits 3 and 4 are what a scrape wake-up commits: one batch for all the targets woken
 * together, each target a run of consecutive ids at its own scrape time. Stored per sample,
 * their ids and timestamps took 12 of its 20 bytes.
 * Values are stored by their bits (two u32 words), so NaN payloads and the stale marker survive.
 */

export class SampleBatch<S = unknown> {
  /** The in-memory series of each sample (not encoded; saves a lookup per sample at commit). */
  series: S[] = [];
  ids = new Uint32Array(256);
  ts = new Float64Array(256);
  vs = new Float64Array(256);
  /** The value words: vw[2i] low, vw[2i+1] high (little-endian alias of vs). */
  vw = new Uint32Array(this.vs.buffer);
  /** Start timestamps (NaN = none); meaningful only while hasSt. */
  sts = new Float64Array(0);
  /** Some sample of the batch has a start timestamp. */
  hasSt = false;
  n = 0;

  /** Adds a sample; st is its start timestamp or NaN. */
  add(series: S, id: number, t: number, hi: number, lo: number, st: number): void {
    if (this.n === this.ids.length) this.grow();
    const n = this.n++;
    this.series[n] = series;
    this.ids[n] = id;
    this.ts[n] = t;
    this.vw[2 * n] = lo;
    this.vw[2 * n + 1] = hi;
    if (st === st) {
      if (!this.hasSt) this.startSts(n);
      this.sts[n] = st;
    } else if (this.hasSt) {
      this.sts[n] = NaN;
    }
  }

  /** The first ST of the batch, at index n: earlier samples have none. */
  private startSts(n: number): void {
    if (this.sts.length < this.ids.length) this.sts = new Float64Array(this.ids.length);
    this.sts.fill(NaN, 0, n);
    this.hasSt = true;
  }

  /**
   * Empties the batch, keeping its capacity. `series.length = 0` would drop the array's backing
   * store, so every commit regrew a 10k-slot array that lived across a scrape wake-up and was
   * promoted to the old generation as garbage; the used slots are cleared instead, so no
   * (possibly deleted) series stays referenced.
   */
  clear(): void {
    this.series.fill(undefined as S, 0, this.n);
    this.n = 0;
    this.hasSt = false;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Uint32Array(cap);
    ids.set(this.ids);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    this.ids = ids;
    this.ts = ts;
    this.vs = vs;
    this.vw = new Uint32Array(vs.buffer);
    if (this.sts.length > 0) {
      const sts = new Float64Array(cap);
      sts.set(this.sts);
      this.sts = sts;
    }
  }
}

const SAME_TS = 1;
const HAS_ST = 2;
const SEQ_IDS = 4;
const ID_RUNS = 8;
const TS_RUNS = 16;

/**
 * Where the columns of a row start. idWords: u32 words of the id section (count, 1, or
 * 1 + 2 * runs); tsRuns: timestamp runs (0 without TS_RUNS); tsCount: f64 timestamps stored.
 */
function layout(n: number, idWords: number, tsRuns: number, tsCount: number, hasSt: boolean): { runsOff: number; tsOff: number; vsOff: number; stOff: number; size: number } {
  const runsOff = 8 + 4 * idWords;
  const runsEnd = tsRuns > 0 ? runsOff + 4 * (1 + tsRuns) : runsOff;
  const tsOff = (runsEnd + 7) & ~7;
  const vsOff = tsOff + 8 * tsCount;
  const stOff = vsOff + 8 * n;
  return { runsOff, tsOff, vsOff, stOff, size: stOff + (hasSt ? 8 * n : 0) };
}

/** Runs of consecutive ids (id[i+1] = id[i] + 1) in ids[0..n). */
function countIdRuns(ids: Uint32Array, n: number): number {
  let runs = 1;
  for (let i = 1; i < n; i++) if (ids[i] !== ids[i - 1] + 1) runs++;
  return runs;
}

/** Runs of equal timestamps in ts[0..n). */
function countTsRuns(ts: Float64Array, n: number): number {
  let runs = 1;
  for (let i = 1; i < n; i++) if (ts[i] !== ts[i - 1]) runs++;
  return runs;
}

export function encodeBatch(b: SampleBatch): Buffer {
  const n = b.n;
  const { ids, ts, hasSt } = b;
  const idRuns = countIdRuns(ids, n);
  const tsRunCount = countTsRuns(ts, n);
  const sameTs = tsRunCount === 1;
  const seqIds = idRuns === 1;
  // Runs only where they are smaller than a column: (first, length) pairs against one id each,
  // a timestamp and a length per run against one timestamp each.
  const idsAsRuns = !seqIds && 1 + 2 * idRuns < n;
  const tsAsRuns = !sameTs && 1 + tsRunCount + 2 * tsRunCount < 2 * n;
  const idWords = seqIds ? 1 : idsAsRuns ? 1 + 2 * idRuns : n;
  const tsRuns = tsAsRuns ? tsRunCount : 0;
  const tsCount = sameTs ? 1 : tsAsRuns ? tsRunCount : n;
  const { runsOff, tsOff, vsOff, stOff, size } = layout(n, idWords, tsRuns, tsCount, hasSt);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(n, 0);
  buf.writeUInt32LE((sameTs ? SAME_TS : 0) | (hasSt ? HAS_ST : 0) | (seqIds ? SEQ_IDS : 0) | (idsAsRuns ? ID_RUNS : 0) | (tsAsRuns ? TS_RUNS : 0), 4);
  if (idsAsRuns) {
    let at = 8;
    buf.writeUInt32LE(idRuns, at);
    at += 4;
    let first = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && ids[i] === ids[i - 1] + 1) continue;
      buf.writeUInt32LE(ids[first], at);
      buf.writeUInt32LE(i - first, at + 4);
      at += 8;
      first = i;
    }
  } else {
    buf.set(new Uint8Array(ids.buffer, 0, 4 * idWords), 8);
  }
  if (tsAsRuns) {
    buf.writeUInt32LE(tsRuns, runsOff);
    let at = runsOff + 4;
    let t = tsOff;
    let first = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && ts[i] === ts[i - 1]) continue;
      buf.writeUInt32LE(i - first, at);
      buf.writeDoubleLE(ts[first], t);
      at += 4;
      t += 8;
      first = i;
    }
    buf.fill(0, at, tsOff);
  } else {
    buf.fill(0, runsOff, tsOff);
    buf.set(new Uint8Array(ts.buffer, 0, 8 * tsCount), tsOff);
  }
  buf.set(new Uint8Array(b.vs.buffer, 0, 8 * n), vsOff);
  if (hasSt) buf.set(new Uint8Array(b.sts.buffer, 0, 8 * n), stOff);
  return buf;
}

export interface DecodedBatch {
  n: number;
  ids: Uint32Array;
  /** Timestamps; length 1 when the whole batch shares one (use tsAt). */
  ts: Float64Array;
  vw: Uint32Array;
  /** Start timestamps (NaN = none), or null when the row carries none. */
  sts: Float64Array | null;
}

export function tsAt(b: DecodedBatch, i: number): number {
  return b.ts.length === 1 ? b.ts[0] : b.ts[i];
}

/** Decodes a log row; throws on a malformed row (the caller reports which one). */
export function decodeBatch(data: Uint8Array): DecodedBatch {
  if (data.length < 8) throw new Error(`append log row too short (${data.length} bytes)`);
  // Copy into a fresh, 8-byte aligned buffer so typed arrays can view it directly.
  const copy = new Uint8Array(data.length);
  copy.set(data);
  const dv = new DataView(copy.buffer);
  const n = dv.getUint32(0, true);
  const flags = dv.getUint32(4, true);
  const sameTs = (flags & SAME_TS) !== 0;
  const hasSt = (flags & HAS_ST) !== 0;
  const seqIds = (flags & SEQ_IDS) !== 0;
  const idsAsRuns = (flags & ID_RUNS) !== 0;
  const tsAsRuns = (flags & TS_RUNS) !== 0;
  const malformed = () => new Error(`append log row of ${data.length} bytes does not hold ${n} samples`);
  if (n === 0 || (seqIds && idsAsRuns) || (sameTs && tsAsRuns)) throw malformed();
  // The run counts sit in the row; read them only where the row is long enough to hold them.
  const word = (off: number) => {
    if (off + 4 > data.length) throw malformed();
    return dv.getUint32(off, true);
  };
  const idRuns = idsAsRuns ? word(8) : 0;
  const idWords = seqIds ? 1 : idsAsRuns ? 1 + 2 * idRuns : n;
  const tsRuns = tsAsRuns ? word(8 + 4 * idWords) : 0;
  if ((idsAsRuns && idRuns === 0) || (tsAsRuns && tsRuns === 0)) throw malformed();
  const tsCount = sameTs ? 1 : tsAsRuns ? tsRuns : n;
  const { runsOff, tsOff, vsOff, stOff, size } = layout(n, idWords, tsRuns, tsCount, hasSt);
  if (size !== data.length) throw malformed();
  let ids: Uint32Array;
  if (seqIds) {
    const id0 = dv.getUint32(8, true);
    ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = id0 + i;
  } else if (idsAsRuns) {
    ids = new Uint32Array(n);
    let i = 0;
    for (let r = 0, at = 12; r < idRuns; r++, at += 8) {
      const first = dv.getUint32(at, true);
      const len = dv.getUint32(at + 4, true);
      if (len > n - i) throw malformed();
      for (let k = 0; k < len; k++) ids[i++] = first + k;
    }
    if (i !== n) throw malformed();
  } else {
    ids = new Uint32Array(copy.buffer, 8, n);
  }
  let ts = new Float64Array(copy.buffer, tsOff, tsCount);
  if (tsAsRuns) {
    const runTs = ts;
    ts = new Float64Array(n);
    let i = 0;
    for (let r = 0, at = runsOff + 4; r < tsRuns; r++, at += 4) {
      const len = dv.getUint32(at, true);
      if (len > n - i) throw malformed();
      ts.fill(runTs[r], i, i + len);
      i += len;
    }
    if (i !== n) throw malformed();
  }
  return {
    n,
    ids,
    ts,
    vw: new Uint32Array(copy.buffer, vsOff, 2 * n),
    sts: hasSt ? new Float64Array(copy.buffer, stOff, n) : null,
  };
}
