/**
 * The append log's batch format: one BLOB per committed batch, little-endian, columnar so it
 * is written and read with typed-array copies (no per-sample encoding):
 *   u32 count, u32 reserved, u32 seriesId[count], (pad to 8), f64 t[count], f64 v[count]
 * Values are stored by their bits (two u32 words), so NaN payloads and the stale marker survive.
 */

export class SampleBatch {
  ids = new Uint32Array(256);
  ts = new Float64Array(256);
  vs = new Float64Array(256);
  /** The value words: vw[2i] low, vw[2i+1] high (little-endian alias of vs). */
  vw = new Uint32Array(this.vs.buffer);
  n = 0;

  add(id: number, t: number, hi: number, lo: number): void {
    if (this.n === this.ids.length) this.grow();
    const n = this.n++;
    this.ids[n] = id;
    this.ts[n] = t;
    this.vw[2 * n] = lo;
    this.vw[2 * n + 1] = hi;
  }

  clear(): void {
    this.n = 0;
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
  }
}

function layout(n: number): { tsOff: number; vsOff: number; size: number } {
  const idsEnd = 8 + 4 * n;
  const tsOff = (idsEnd + 7) & ~7;
  const vsOff = tsOff + 8 * n;
  return { tsOff, vsOff, size: vsOff + 8 * n };
}

export function encodeBatch(b: SampleBatch): Buffer {
  const { tsOff, vsOff, size } = layout(b.n);
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(b.n, 0);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, size);
  bytes.set(new Uint8Array(b.ids.buffer, 0, 4 * b.n), 8);
  bytes.set(new Uint8Array(b.ts.buffer, 0, 8 * b.n), tsOff);
  bytes.set(new Uint8Array(b.vs.buffer, 0, 8 * b.n), vsOff);
  return buf;
}

export interface DecodedBatch {
  n: number;
  ids: Uint32Array;
  ts: Float64Array;
  vw: Uint32Array;
}

/** Decodes a log row; throws on a malformed row (the caller reports which one). */
export function decodeBatch(data: Uint8Array): DecodedBatch {
  if (data.length < 8) throw new Error(`append log row too short (${data.length} bytes)`);
  // Copy into a fresh, 8-byte aligned buffer so typed arrays can view it directly.
  const copy = new Uint8Array(data.length);
  copy.set(data);
  const n = new DataView(copy.buffer).getUint32(0, true);
  const { tsOff, vsOff, size } = layout(n);
  if (size !== data.length) throw new Error(`append log row of ${data.length} bytes does not hold ${n} samples`);
  return {
    n,
    ids: new Uint32Array(copy.buffer, 8, n),
    ts: new Float64Array(copy.buffer, tsOff, n),
    vw: new Uint32Array(copy.buffer, vsOff, 2 * n),
  };
}
