/**
 * Second-stage encoding of closed chunks (DESIGN.md: "values that are decimals turned into
 * scaled integers, then a general compressor over several chunks of a series").
 *
 * A packed row replaces up to PACK_CHUNKS consecutive XOR chunks of one series. It starts with
 * two zero bytes (an XOR chunk never has a sample count of 0) and a format byte. Written now:
 *   6 SCALED_BITS: zigzag n, zigzag t0, timestamp dod tokens (first delta vs 0), byte k,
 *               byte mode, zigzag x0, value tokens: deltas (mode 1) or delta-of-deltas (mode 2)
 *               of round(v * 10^k). Used only when every value v is exactly round(v * 10^k) /
 *               10^k (so -0, NaN, ±Inf and the stale marker never take this path). Tokens: the
 *               zigzag of each non-zero integer; a run of zeros (steady scrape interval, idle
 *               counter, constant gauge) as 0 and the run length. Each token stream is a varint
 *               count + block bit-packing (bitPacking.ts): no general-purpose compressor, so
 *               decoding is shifts and masks (inflate used to cost more than everything else on
 *               the read path; bit-packing is ~10% larger than deflate on the bench data).
 *   5 XOR_PLAIN: repeated (zigzag length, XOR chunk bytes) for everything else (deflate gains
 *               nothing on XOR bits).
 * Still read (written by earlier builds): 1 SCALED = deflateRaw of the same fields as 6 with
 * plain zigzag varints and no zero runs; 2 XOR_DEFLATE = deflateRaw of format 5's payload.
 * Start timestamps (startTimestamps.ts): SCALED rows of samples with STs set bit 0x80 of the
 * format byte and append the ST stream after the values; XOR runs simply hold ST-wrapped XOR
 * chunks. Format 3 is not a packed row but an ST-wrapped XOR chunk (same two zero bytes).
 * Measured on the bench data (runs of 8): XOR 2.30 bytes/sample, SCALED_BITS ~1.0.
 */
import zlib from 'node:zlib';
import { XorChunk, XorIterator } from './xorChunk.ts';
import { decodeSts, encodeSts, FORMAT_XOR_ST, splitChunk, wrapStChunk } from './startTimestamps.ts';
import { packBits, unpackBits } from './bitPacking.ts';

export const PACK_CHUNKS = 8;
const FORMAT_SCALED = 1;
const FORMAT_XOR_DEFLATE = 2;
const FORMAT_XOR_PLAIN = 5;
const FORMAT_SCALED_BITS = 6;
/** Format-byte flag: the payload ends with an ST stream. */
const FORMAT_HAS_ST = 0x80;
const MAX_SCALE = 12;
/**
 * Largest |value × 10^k| (and |timestamp|) of a scaled row. Deltas of such numbers reach 2^50,
 * delta-of-deltas 2^51, and their zigzag tokens 2^52: within the 53 bits a token may take
 * (bitPacking.ts).
 */
const MAX_SCALED = 2 ** 49;

export function isPacked(data: Uint8Array): boolean {
  return data.length >= 3 && data[0] === 0 && data[1] === 0 && data[2] !== FORMAT_XOR_ST;
}

/**
 * SQL condition (on column `data`) true for packed rows, for queries over the chunks table.
 * Keep in step with isPacked.
 */
export const PACKED_ROW_SQL = `(substr(data, 1, 2) = x'0000' AND substr(data, 3, 1) <> x'0${FORMAT_XOR_ST}')`;

// ---- growable byte writer with zigzag varints (safe integers up to 2^53) ----
class ByteWriter {
  buf = new Uint8Array(4096);
  n = 0;
  private ensure(k: number): void {
    if (this.n + k > this.buf.length) {
      const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
  }
  byte(x: number): void {
    this.ensure(1);
    this.buf[this.n++] = x;
  }
  /** Zigzag varint of a safe integer. */
  zz(x: number): void {
    if (this.n + 10 > this.buf.length) this.ensure(10);
    let z = x < 0 ? -2 * x - 1 : 2 * x;
    if (z < 0x80) {
      this.buf[this.n++] = z;
      return;
    }
    // Integer fast path below 2^31; the float loop handles up to 2^53.
    while (z >= 0x80000000) {
      this.buf[this.n++] = (z & 0x7f) | 0x80;
      z = Math.floor(z / 128);
    }
    while (z >= 0x80) {
      this.buf[this.n++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    this.buf[this.n++] = z;
  }

  /** Unsigned varint of a positive safe integer. */
  uv(x: number): void {
    if (this.n + 10 > this.buf.length) this.ensure(10);
    while (x >= 0x80) {
      this.buf[this.n++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.n++] = x;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.n);
    this.n += src.length;
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  /** Unsigned varint (at most 8 bytes). */
  uv(): number {
    const b = this.buf;
    let x = 0;
    let mul = 1;
    for (let k = 0; k < 8; k++) {
      const c = b[this.pos++];
      if (c === undefined) throw new Error('corrupt packed chunk: truncated varint');
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
    throw new Error('corrupt packed chunk: varint too long');
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('corrupt packed chunk: truncated');
    return this.buf[this.pos++];
  }
  zz(): number {
    const b = this.buf;
    let pos = this.pos;
    let x = b[pos++];
    if (x >= 0x80) {
      x &= 0x7f;
      let mul = 128;
      for (;;) {
        const c = b[pos++];
        if (c === undefined) throw new Error('corrupt packed chunk: truncated varint');
        x += (c & 0x7f) * mul;
        if (c < 0x80) break;
        mul *= 128;
      }
    } else if (x === undefined) {
      throw new Error('corrupt packed chunk: truncated varint');
    }
    this.pos = pos;
    return x % 2 === 1 ? -(x + 1) / 2 : x / 2;
  }
}

const POW10 = Array.from({ length: MAX_SCALE + 1 }, (_, k) => 10 ** k);

/**
 * Smallest k such that every value is exactly an integer / 10^k (bit for bit) of at most
 * MAX_SCALED, or -1. A value that needs a larger k sends the scan back to the first value: the
 * values already passed must hold at the new k too (a large integer may not fit once scaled).
 */
function decimalScale(vs: Float64Array, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (scalesExactly(vs[i], POW10[k])) continue;
    do if (++k > MAX_SCALE) return -1;
    while (!scalesExactly(vs[i], POW10[k]));
    i = -1;
  }
  return k;
}

/**
 * Whether round(v × m) / m gives back v bit for bit within MAX_SCALED. Equal doubles have equal
 * bits except 0 and -0 (NaN never equals itself), so -0 is refused.
 */
function scalesExactly(v: number, m: number): boolean {
  const x = Math.round(v * m);
  return x / m === v && Math.abs(x) <= MAX_SCALED && (v !== 0 || 1 / v > 0);
}

/** Packs consecutive XOR chunks, plain or ST-wrapped (oldest first), into one row. */
export function packChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return packRun(chunks, Infinity).data!;
}

/**
 * Packs the longest prefix of `chunks` (at least 2 of them unless there is only one) whose row
 * fits in maxBytes, decoding the chunks only once. `take` is the number of chunks the row
 * replaces; `data` is null when not even the shortest prefix fits (those chunks stay as they are).
 */
export function packRun(chunks: readonly Uint8Array[], maxBytes: number): { data: Uint8Array | null; take: number } {
  const it = (scratch.it ??= new XorIterator());
  const parts = chunks.map(splitChunk);
  let total = 0;
  for (const { xor } of parts) total += (xor[0] << 8) | xor[1];
  scratch.ensure(total);
  const { ts, vs } = scratch;
  /** ends[c]: samples in chunks [0, c]. */
  const ends: number[] = [];
  let sts: Float64Array | null = null;
  let n = 0;
  for (const { xor, st } of parts) {
    it.reset(xor);
    if (it.err()) throw it.err();
    const m = it.length();
    ts.set(it.timestamps().subarray(0, m), n);
    vs.set(it.values().subarray(0, m), n);
    if (st !== null) {
      sts ??= new Float64Array(total).fill(NaN);
      decodeSts(st, it.timestamps(), m, sts.subarray(n, n + m));
    }
    n += m;
    ends.push(n);
  }
  const minTake = Math.min(2, chunks.length);
  // Timestamps are sorted; within ±MAX_SCALED their delta-of-deltas tokens fit as values' do.
  const timesScale = n === 0 || (Math.abs(ts[0]) <= MAX_SCALED && Math.abs(ts[n - 1]) <= MAX_SCALED);
  if (!timesScale || decimalScale(vs, n) < 0) return plainRun(chunks, maxBytes, minTake);
  let take = chunks.length;
  for (;;) {
    const m = ends[take - 1];
    const data = encodeScaled(ts, vs, sts, m, decimalScale(vs, m));
    // The row replaces its chunks: if it does not read back as them, keep them as XOR instead.
    if (!decodesTo(data, ts, vs, sts, m)) return plainRun(chunks, maxBytes, minTake);
    if (data.length <= maxBytes) return { data, take };
    if (take <= minTake) return { data: null, take };
    // Aim at the bound from this size (rows shrink about linearly), at least one chunk less.
    take = Math.max(minTake, Math.min(take - 1, Math.floor((take * maxBytes) / data.length)));
  }
}

/** Plain XOR runs: the size is known up front, so take the longest prefix that fits. */
function plainRun(chunks: readonly Uint8Array[], maxBytes: number, minTake: number): { data: Uint8Array | null; take: number } {
  let size = 3;
  let take = 0;
  while (take < chunks.length) {
    const add = varintLength(chunks[take].length) + chunks[take].length;
    if (size + add > maxBytes) break;
    size += add;
    take++;
  }
  if (take < minTake) return { data: null, take: minTake };
  return { data: encodeXorPlain(chunks, take), take };
}

/** Whether a scaled row decodes to exactly these n samples, bit for bit (start timestamps too). */
function decodesTo(data: Uint8Array, ts: Float64Array, vs: Float64Array, sts: Float64Array | null, n: number): boolean {
  const d = (scratch.check ??= new PackedDecoder());
  try {
    d.decode(data);
  } catch {
    return false;
  }
  if (d.n !== n || (d.sts === null) !== (sts === null)) return false;
  const got = new Uint32Array(d.vs.buffer, 0, 2 * n);
  const want = new Uint32Array(vs.buffer, 0, 2 * n);
  for (let i = 0; i < 2 * n; i++) if (got[i] !== want[i]) return false;
  for (let i = 0; i < n; i++) {
    if (d.ts[i] !== ts[i]) return false;
    if (sts !== null && !Object.is(d.sts![i], sts[i])) return false;
  }
  return true;
}

/**
 * Work arrays of packRun / encodeScaled, reused across calls (compaction packs thousands of runs
 * back to back; packing is synchronous, so one set suffices).
 */
const scratch = {
  it: null as XorIterator | null,
  check: null as PackedDecoder | null,
  ts: new Float64Array(0),
  vs: new Float64Array(0),
  dd: new Float64Array(0),
  xs: new Float64Array(0),
  tokens: new Float64Array(0),
  writer: null as ByteWriter | null,
  ensure(n: number): void {
    if (this.ts.length >= n) return;
    const cap = Math.max(n, 1024);
    this.ts = new Float64Array(cap);
    this.vs = new Float64Array(cap);
    this.dd = new Float64Array(cap);
    this.xs = new Float64Array(cap);
    this.tokens = new Float64Array(2 * cap);
  },
};

function varintLength(x: number): number {
  let k = 1;
  for (let z = 2 * x; z >= 0x80; z = Math.floor(z / 128)) k++;
  return k;
}

function encodeXorPlain(chunks: readonly Uint8Array[], take: number): Uint8Array {
  const out = new ByteWriter();
  out.byte(0);
  out.byte(0);
  out.byte(FORMAT_XOR_PLAIN);
  for (let c = 0; c < take; c++) {
    out.zz(chunks[c].length);
    out.bytes(chunks[c]);
  }
  return out.result().slice();
}

/** Format 6 row of samples [0, n), whose values are integers / 10^k. */
function encodeScaled(ts: Float64Array, vs: Float64Array, sts: Float64Array | null, n: number, k: number): Uint8Array {
  const w = (scratch.writer ??= new ByteWriter());
  w.n = 0;
  w.byte(0);
  w.byte(0);
  w.byte(FORMAT_SCALED_BITS);
  w.zz(n);
  w.zz(ts[0]);
  // Timestamp delta-of-deltas (the first delta is coded against 0).
  scratch.ensure(n);
  const { dd, xs, tokens } = scratch;
  let pd = 0;
  for (let i = 1; i < n; i++) {
    const d = ts[i] - ts[i - 1];
    dd[i] = d - pd;
    pd = d;
  }
  let count = zeroRunTokens(dd, 1, n, tokens);
  w.uv(count);
  packBits(tokens, count, w);
  const m = POW10[k];
  // Deltas suit gauges, delta-of-deltas suit steady counters: keep the smaller.
  let costDelta = 0;
  let costDod = 0;
  let prev = (xs[0] = Math.round(vs[0] * m));
  let prevDelta = 0;
  for (let i = 1; i < n; i++) {
    const x = (xs[i] = Math.round(vs[i] * m));
    const d = x - prev;
    costDelta += Math.abs(d);
    costDod += Math.abs(d - prevDelta);
    prev = x;
    prevDelta = d;
  }
  const mode = costDod < costDelta ? 2 : 1;
  w.byte(k);
  w.byte(mode);
  w.zz(xs[0]);
  let prevD = 0;
  for (let i = 1; i < n; i++) {
    const d = xs[i] - xs[i - 1];
    dd[i] = mode === 1 ? d : d - prevD;
    prevD = d;
  }
  count = zeroRunTokens(dd, 1, n, tokens);
  w.uv(count);
  packBits(tokens, count, w);
  const stream = sts === null ? null : encodeSts(ts, sts, n);
  if (stream !== null) {
    w.buf[2] |= FORMAT_HAS_ST;
    w.bytes(stream);
  }
  return w.result().slice();
}

/**
 * Writes xs[from, to) as tokens into out: zigzag of each non-zero value; a run of zeros as 0 and
 * the run length. Returns the token count.
 */
function zeroRunTokens(xs: Float64Array, from: number, to: number, out: Float64Array): number {
  let k = 0;
  for (let i = from; i < to; ) {
    const x = xs[i];
    if (x !== 0) {
      out[k++] = x < 0 ? -2 * x - 1 : 2 * x;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && xs[j] === 0) j++;
    out[k++] = 0;
    out[k++] = j - i;
    i = j;
  }
  return k;
}

/** Decodes packed rows into growable arrays it owns (reused across calls). */
export class PackedDecoder {
  ts = new Float64Array(0);
  vs = new Float64Array(0);
  /** Start timestamps (NaN where none), or null when the row carries none. */
  sts: Float64Array | null = null;
  n = 0;
  private xit: XorIterator | null = null;
  private stBuf = new Float64Array(0);

  private ensure(n: number): void {
    if (this.ts.length < n) {
      const cap = Math.max(n, this.ts.length * 2, 128);
      const ts = new Float64Array(cap);
      ts.set(this.ts);
      const vs = new Float64Array(cap);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
  }

  /** An ST array of at least n entries whose first `keep` entries are preserved. */
  private stArray(n: number, keep: number): Float64Array {
    if (this.stBuf.length < n) {
      const b = new Float64Array(Math.max(n, this.stBuf.length * 2, 128));
      b.set(this.stBuf.subarray(0, keep));
      this.stBuf = b;
    }
    return this.stBuf;
  }

  /** Throws on corrupt input (callers turn that into err()). */
  decode(data: Uint8Array): void {
    const format = data[2];
    this.n = 0;
    this.sts = null;
    if ((format & ~FORMAT_HAS_ST) === FORMAT_SCALED_BITS) {
      this.decodeScaledBits(data, (format & FORMAT_HAS_ST) !== 0);
      return;
    }
    if (format === FORMAT_XOR_PLAIN) {
      this.decodeXorRuns(data.subarray(3));
      if (this.n === 0) throw new Error('corrupt packed chunk: no samples');
      return;
    }
    const raw = zlib.inflateRawSync(data.subarray(3));
    const b = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
    const base = format & ~FORMAT_HAS_ST;
    const hasSt = (format & FORMAT_HAS_ST) !== 0;
    if (base === FORMAT_SCALED) this.decodeScaled(b, hasSt);
    else if (format === FORMAT_XOR_DEFLATE) this.decodeXorRuns(b);
    else throw new Error(`corrupt packed chunk: unknown format ${format}`);
  }

  // Varints are read inline (a method call per number costs more than the decoding itself).
  // A truncated stream reads `undefined` bytes, which end each varint; the final bounds check
  // reports it.
  private decodeScaled(b: Uint8Array, hasSt: boolean): void {
    const r = new ByteReader(b);
    const n = r.zz();
    // Every sample costs at least two bytes before compression: bounds a corrupt count.
    if (n < 1 || n > b.length) throw new Error('corrupt packed chunk: bad sample count');
    this.ensure(n);
    const ts = this.ts;
    const vs = this.vs;
    let t = r.zz();
    ts[0] = t;
    let pos = r.pos;
    let d = 0;
    let c: number;
    let z: number;
    for (let i = 1; i < n; i++) {
      c = b[pos++];
      if (c < 0x80) z = c;
      else {
        z = c & 0x7f;
        let mul = 128;
        do {
          c = b[pos++];
          z += (c & 0x7f) * mul;
          mul *= 128;
        } while (c >= 0x80);
      }
      d += z & 1 ? -(z + 1) / 2 : z / 2;
      t += d;
      ts[i] = t;
    }
    r.pos = pos;
    const k = r.byte();
    const mode = r.byte();
    if (k > MAX_SCALE || (mode !== 1 && mode !== 2)) throw new Error('corrupt packed chunk: bad header');
    const m = POW10[k];
    let x = r.zz();
    vs[0] = x;
    pos = r.pos;
    let dv = 0;
    for (let i = 1; i < n; i++) {
      c = b[pos++];
      if (c < 0x80) z = c;
      else {
        z = c & 0x7f;
        let mul = 128;
        do {
          c = b[pos++];
          z += (c & 0x7f) * mul;
          mul *= 128;
        } while (c >= 0x80);
      }
      const delta = z & 1 ? -(z + 1) / 2 : z / 2;
      if (mode === 1) x += delta;
      else x += dv += delta;
      vs[i] = x;
    }
    if (pos > b.length) throw new Error('corrupt packed chunk: truncated');
    // Integers (counters, buckets) need no scaling; the rest is one tight division pass.
    if (m !== 1) for (let i = 0; i < n; i++) vs[i] = vs[i] / m;
    if (hasSt) {
      const sts = this.stArray(n, 0);
      decodeSts(b.subarray(pos), ts, n, sts);
      this.sts = sts;
    }
    this.n = n;
  }

  /** Format 6 (the whole row, header included). */
  private decodeScaledBits(data: Uint8Array, hasSt: boolean): void {
    const r = new ByteReader(data);
    r.pos = 3;
    const n = r.zz();
    if (!(n >= 1 && n <= PACK_CHUNKS * 0xffff)) throw new Error('corrupt packed chunk: bad sample count');
    this.ensure(n);
    const ts = this.ts;
    const vs = this.vs;
    ts[0] = r.zz();
    r.pos = this.readTokens(data, r, n);
    if (!replayTokens(this.tok, this.ntok, n, ts, true)) throw new Error('corrupt packed chunk: bad timestamp tokens');
    const k = r.byte();
    const mode = r.byte();
    if (k > MAX_SCALE || (mode !== 1 && mode !== 2)) throw new Error('corrupt packed chunk: bad header');
    vs[0] = r.zz();
    r.pos = this.readTokens(data, r, n);
    if (!replayTokens(this.tok, this.ntok, n, vs, mode === 2)) throw new Error('corrupt packed chunk: bad value tokens');
    const m = POW10[k];
    if (m !== 1) for (let j = 0; j < n; j++) vs[j] = vs[j] / m;
    if (hasSt) {
      const sts = this.stArray(n, 0);
      decodeSts(data.subarray(r.pos), ts, n, sts);
      this.sts = sts;
    } else if (r.pos !== data.length) {
      throw new Error('corrupt packed chunk: trailing bytes');
    }
    this.n = n;
  }

  private tok = new Float64Array(0);
  private ntok = 0;

  /** Reads a token count and that many bit-packed tokens into this.tok; returns the new position. */
  private readTokens(data: Uint8Array, r: ByteReader, n: number): number {
    const count = r.uv();
    if (count > 2 * n) throw new Error('corrupt packed chunk: bad token count');
    if (this.tok.length < count) this.tok = new Float64Array(Math.max(count, 2 * this.tok.length, 256));
    const pos = unpackBits(data, r.pos, count, this.tok);
    if (pos < 0) throw new Error('corrupt packed chunk: truncated tokens');
    this.ntok = count;
    return pos;
  }

  private decodeXorRuns(b: Uint8Array): void {
    const r = new ByteReader(b);
    while (r.pos < b.length) {
      const len = r.zz();
      if (len < 2 || r.pos + len > b.length) throw new Error('corrupt packed chunk: bad run length');
      const { xor, st } = splitChunk(b.subarray(r.pos, r.pos + len));
      r.pos += len;
      const xit = (this.xit ??= new XorIterator());
      xit.reset(xor);
      if (xit.err()) throw xit.err();
      const m = xit.length();
      this.ensure(this.n + m);
      this.ts.set(xit.timestamps().subarray(0, m), this.n);
      this.vs.set(xit.values().subarray(0, m), this.n);
      if (st !== null || this.sts !== null) {
        // The first run with STs gives every earlier sample "none".
        if (this.sts === null) this.stArray(this.n + m, 0).fill(NaN, 0, this.n);
        const sts = (this.sts = this.stArray(this.n + m, this.n));
        if (st !== null) decodeSts(st, xit.timestamps(), m, sts.subarray(this.n, this.n + m));
        else sts.fill(NaN, this.n, this.n + m);
      }
      this.n += m;
    }
  }
}

/** Unpacks a packed row back into XOR chunks (ST-wrapped where STs exist) of at most `perChunk` samples. */
export function unpackToXor(data: Uint8Array, perChunk = 120): Array<{ minT: number; maxT: number; data: Uint8Array }> {
  const d = new PackedDecoder();
  d.decode(data);
  return encodeXorChunks(d.ts, d.vs, d.sts, d.n, perChunk);
}

/**
 * Encodes samples [0, n) as XOR chunks of at most `perChunk` samples; chunks holding a sample
 * with an ST are ST-wrapped, the others stay plain.
 */
export function encodeXorChunks(
  ts: Float64Array,
  vs: Float64Array,
  sts: Float64Array | null,
  n: number,
  perChunk = 120,
): Array<{ minT: number; maxT: number; data: Uint8Array }> {
  const vw = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  const out: Array<{ minT: number; maxT: number; data: Uint8Array }> = [];
  for (let i = 0; i < n; i += perChunk) {
    const c = new XorChunk();
    const a = c.appender();
    const end = Math.min(n, i + perChunk);
    for (let j = i; j < end; j++) a.appendBits(ts[j], vw[2 * j + 1], vw[2 * j]);
    const stream = sts === null ? null : encodeSts(ts.subarray(i, end), sts.subarray(i, end), end - i);
    out.push({ minT: ts[i], maxT: ts[end - 1], data: stream === null ? c.bytes().slice() : wrapStChunk(c.bytes(), stream) });
  }
  return out;
}

/** Zigzag-decodes a token: integer operations below 2^31 (the common case), exact floats above. */
function unzigzag(z: number): number {
  return z <= 0x7fffffff ? (z >>> 1) ^ -(z & 1) : z & 1 ? -(z + 1) / 2 : z / 2;
}

/**
 * Rebuilds xs[1, n) from delta (or, with dod, delta-of-delta) tokens in zero-run form; false
 * when they do not fit n. Timestamps are always delta-of-delta. One loop per mode keeps the
 * mode test out of the per-sample path.
 */
function replayTokens(tok: Float64Array, count: number, n: number, xs: Float64Array, dod: boolean): boolean {
  let x = xs[0];
  let i = 1;
  if (dod) {
    let dv = 0;
    for (let k = 0; k < count; k++) {
      const z = tok[k];
      if (z !== 0) {
        if (i >= n) return false;
        dv += unzigzag(z);
        xs[i++] = x += dv;
        continue;
      }
      const end = i + tok[++k];
      if (!(k < count && end <= n && end > i)) return false;
      for (; i < end; i++) xs[i] = x += dv;
    }
  } else {
    for (let k = 0; k < count; k++) {
      const z = tok[k];
      if (z !== 0) {
        if (i >= n) return false;
        xs[i++] = x += unzigzag(z);
        continue;
      }
      const end = i + tok[++k];
      if (!(k < count && end <= n && end > i)) return false;
      xs.fill(x, i, end);
      i = end;
    }
  }
  return i === n;
}
