/**
 * The append log's batch format: one BLOB per committed batch, little-endian, columnar so it
 * is written and read with typed-array copies (no per-sample encoding):
 *   u32 count, u32 flags, u32 seriesId[count], (pad to 8), f64 t[count or 1], f64 v[count],
 *   [f64 st[count]]
 * flags bit 0: every sample has the same timestamp (a scrape), stored once.
 * flags bit 1: start timestamps follow (NaN for samples without one); batches without any ST
 *   do not carry the column, so their rows are unchanged.
 * flags bit 2: the series ids are consecutive (id[i] = id[0] + i: a scrape of series created
 *   together, the common case), stored once — the row shrinks by a third and commits get cheaper.
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

function layout(n: number, sameTs: boolean, hasSt: boolean, seqIds: boolean): { tsOff: number; vsOff: number; stOff: number; size: number } {
  const idsEnd = 8 + 4 * (seqIds ? 1 : n);
  const tsOff = (idsEnd + 7) & ~7;
  const vsOff = tsOff + 8 * (sameTs ? 1 : n);
  const stOff = vsOff + 8 * n;
  return { tsOff, vsOff, stOff, size: stOff + (hasSt ? 8 * n : 0) };
}

export function encodeBatch(b: SampleBatch): Buffer {
  const n = b.n;
  const ts = b.ts;
  let sameTs = true;
  for (let i = 1; i < n && sameTs; i++) sameTs = ts[i] === ts[0];
  const hasSt = b.hasSt;
  const ids = b.ids;
  const id0 = ids[0];
  let seqIds = true;
  for (let i = 1; i < n && seqIds; i++) seqIds = ids[i] === id0 + i;
  const { tsOff, vsOff, stOff, size } = layout(n, sameTs, hasSt, seqIds);
  const idCount = seqIds ? 1 : n;
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(n, 0);
  buf.writeUInt32LE((sameTs ? SAME_TS : 0) | (hasSt ? HAS_ST : 0) | (seqIds ? SEQ_IDS : 0), 4);
  buf.fill(0, 8 + 4 * idCount, tsOff);
  buf.set(new Uint8Array(ids.buffer, 0, 4 * idCount), 8);
  buf.set(new Uint8Array(ts.buffer, 0, 8 * (sameTs ? 1 : n)), tsOff);
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
  const { tsOff, vsOff, stOff, size } = layout(n, sameTs, hasSt, seqIds);
  if (size !== data.length || n === 0) throw new Error(`append log row of ${data.length} bytes does not hold ${n} samples`);
  let ids = new Uint32Array(copy.buffer, 8, seqIds ? 1 : n);
  if (seqIds) {
    const id0 = ids[0];
    ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = id0 + i;
  }
  return {
    n,
    ids,
    ts: new Float64Array(copy.buffer, tsOff, sameTs ? 1 : n),
    vw: new Uint32Array(copy.buffer, vsOff, 2 * n),
    sts: hasSt ? new Float64Array(copy.buffer, stOff, n) : null,
  };
}
