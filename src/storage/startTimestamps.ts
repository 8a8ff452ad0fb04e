/**
 * Start timestamps (ST) of a chunk's samples, kept beside its XOR stream only when some sample
 * has one (series without ST pay nothing: their chunks stay plain XOR, byte for byte).
 *
 * ST stream: runs covering the chunk's samples in order, each
 *   varint (count << 2 | kind), then for kinds 1 and 2: zigzag varint (T - ST) of the run's
 *   first sample.
 *   kind 0 ABSENT      count samples without ST
 *   kind 1 CONSTANT    every sample of the run has the first sample's ST (cumulative counters)
 *   kind 2 SAME_DELTA  every sample has ST = T - (T - ST of the first) (OTel deltas: ST = T - 1m)
 * A steady series is one run (2-4 bytes per chunk); arbitrary STs cost a run per sample.
 *
 * A chunk carrying STs is wrapped: 0x00 0x00 FORMAT_XOR_ST, varint length of the XOR chunk, the
 * XOR chunk, the ST stream. The two zero bytes put it in the packed-row family (an XOR chunk
 * never counts 0 samples); the format byte tells them apart (isPackedRun / splitChunk).
 *
 * In decoded form a sample without ST holds NaN (STs are integers), so arrays stay Float64Array.
 */

export const FORMAT_XOR_ST = 3;

const ABSENT = 0;
const CONSTANT = 1;
const SAME_DELTA = 2;

/** Whether data is an XOR chunk wrapped with an ST stream. */
export function isStChunk(data: Uint8Array): boolean {
  return data.length >= 3 && data[0] === 0 && data[1] === 0 && data[2] === FORMAT_XOR_ST;
}

/** Splits a chunk (plain XOR or ST-wrapped) into its XOR bytes and ST stream (null if none). */
export function splitChunk(data: Uint8Array): { xor: Uint8Array; st: Uint8Array | null } {
  if (!isStChunk(data)) return { xor: data, st: null };
  const r = { pos: 3 };
  const len = getVarint(data, r, 'corrupt ST chunk');
  const pos = r.pos;
  if (len < 2 || pos + len > data.length) throw new Error('corrupt ST chunk: bad XOR length');
  return { xor: data.subarray(pos, pos + len), st: data.subarray(pos + len) };
}

/** Wraps XOR chunk bytes and an ST stream into one chunk. */
export function wrapStChunk(xor: Uint8Array, st: Uint8Array): Uint8Array {
  let lenBytes = 1;
  for (let x = xor.length; x >= 0x80; x = Math.floor(x / 128)) lenBytes++;
  const out = new Uint8Array(3 + lenBytes + xor.length + st.length);
  out[2] = FORMAT_XOR_ST;
  const pos = putVarint(out, 3, xor.length);
  out.set(xor, pos);
  out.set(st, pos + xor.length);
  return out;
}

/**
 * Run-length encoder of the STs of a growing chunk. Runs are few (usually one), so they live in
 * small arrays and bytes() serialises them on demand.
 */
export class StColumn {
  private kinds: number[] = [];
  private counts: number[] = [];
  /** T - ST of each run's first sample (unused for ABSENT runs). */
  private firstDelta: number[] = [];
  private lastT = 0;
  private lastSt = NaN;
  /** Samples covered. */
  n = 0;

  /** A column whose first `absent` samples have no ST. */
  static withAbsentPrefix(absent: number): StColumn {
    const c = new StColumn();
    if (absent > 0) {
      c.kinds.push(ABSENT);
      c.counts.push(absent);
      c.firstDelta.push(0);
      c.n = absent;
    }
    return c;
  }

  /** Rebuilds the column of n samples with timestamps ts from an ST stream, to keep appending. */
  static fromBytes(st: Uint8Array, ts: Float64Array, n: number): StColumn {
    const c = new StColumn();
    let i = 0;
    forEachRun(st, n, (kind, count, delta) => {
      c.kinds.push(kind);
      c.counts.push(count);
      c.firstDelta.push(delta);
      i += count;
      c.lastT = ts[i - 1];
      c.lastSt = kind === ABSENT ? NaN : kind === CONSTANT ? ts[i - count] - delta : ts[i - 1] - delta;
    });
    c.n = n;
    return c;
  }

  /** Adds the next sample's ST (NaN: none). */
  append(t: number, st: number): void {
    const r = this.kinds.length - 1;
    if (r >= 0) {
      const kind = this.kinds[r];
      if (st !== st) {
        if (kind === ABSENT) return this.extend(r, t, st);
      } else if (kind === CONSTANT) {
        if (st === this.lastSt) return this.extend(r, t, st);
        if (this.counts[r] === 1 && t - st === this.lastT - this.lastSt) {
          this.kinds[r] = SAME_DELTA;
          return this.extend(r, t, st);
        }
      } else if (kind === SAME_DELTA && t - st === this.lastT - this.lastSt) {
        return this.extend(r, t, st);
      }
    }
    const absent = st !== st;
    this.kinds.push(absent ? ABSENT : CONSTANT);
    this.counts.push(1);
    this.firstDelta.push(absent ? 0 : t - st);
    this.lastT = t;
    this.lastSt = st;
    this.n++;
  }

  private extend(r: number, t: number, st: number): void {
    this.counts[r]++;
    this.lastT = t;
    this.lastSt = st;
    this.n++;
  }

  /** The ST stream (a fresh array). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.kinds.length * 16);
    let pos = 0;
    for (let r = 0; r < this.kinds.length; r++) {
      pos = putVarint(out, pos, this.counts[r] * 4 + this.kinds[r]);
      if (this.kinds[r] !== ABSENT) pos = putVarint(out, pos, zigzag(this.firstDelta[r]));
    }
    return out.subarray(0, pos);
  }
}

/** Encodes the STs of n samples (NaN = none) as an ST stream, or null when none has one. */
export function encodeSts(ts: Float64Array, sts: Float64Array, n: number): Uint8Array | null {
  let any = false;
  for (let i = 0; i < n && !any; i++) any = sts[i] === sts[i];
  if (!any) return null;
  const c = new StColumn();
  for (let i = 0; i < n; i++) c.append(ts[i], sts[i]);
  return c.bytes();
}

/** Decodes an ST stream of n samples with timestamps ts into out (NaN where a sample has none). */
export function decodeSts(st: Uint8Array, ts: Float64Array, n: number, out: Float64Array): void {
  let i = 0;
  forEachRun(st, n, (kind, count, delta) => {
    const end = i + count;
    if (kind === ABSENT) out.fill(NaN, i, end);
    else if (kind === CONSTANT) out.fill(ts[i] - delta, i, end);
    else for (; i < end; i++) out[i] = ts[i] - delta;
    i = end;
  });
}

/** Reads the whole stream, checking that its runs cover exactly n samples. */
function forEachRun(st: Uint8Array, n: number, fn: (kind: number, count: number, delta: number) => void): void {
  const r = { pos: 0 };
  let covered = 0;
  while (covered < n) {
    const h = getVarint(st, r);
    const kind = h % 4;
    const count = Math.floor(h / 4);
    if (count === 0 || covered + count > n || kind > SAME_DELTA) throw new Error('corrupt ST stream: bad run');
    const delta = kind === ABSENT ? 0 : unzigzag(getVarint(st, r));
    fn(kind, count, delta);
    covered += count;
  }
  if (r.pos !== st.length) throw new Error('corrupt ST stream: trailing bytes');
}

function zigzag(x: number): number {
  return x < 0 ? -2 * x - 1 : 2 * x;
}

function unzigzag(z: number): number {
  return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
}

/** Writes a non-negative safe integer as a varint; returns the new position. */
function putVarint(out: Uint8Array, pos: number, x: number): number {
  while (x >= 0x80) {
    out[pos++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  out[pos++] = x;
  return pos;
}

/** Reads a varint at r.pos (advancing it); errors start with `corrupt`. */
function getVarint(b: Uint8Array, r: { pos: number }, corrupt = 'corrupt ST stream'): number {
  let x = 0;
  let mul = 1;
  for (let k = 0; k < 8; k++) {
    const c = b[r.pos++];
    if (c === undefined) throw new Error(`${corrupt}: truncated`);
    x += (c & 0x7f) * mul;
    if (c < 0x80) return x;
    mul *= 128;
  }
  throw new Error(`${corrupt}: varint too long`);
}
