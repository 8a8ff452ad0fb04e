/**
 * Gorilla/XOR chunk: delta-of-delta timestamps and XOR'd float64 values (Pelkonen et al. 2015,
 * the scheme Prometheus's chunkenc uses; this bit layout is promlite's own).
 *
 * Layout: uint16 big-endian sample count, then a bit stream:
 *   sample 0: t as 64-bit two's complement, v as 64 raw bits
 *   sample n: timestamp delta-of-delta (the first delta is coded against 0):
 *               '0' dod = 0 | '10' 14 bits | '110' 17 bits | '1110' 20 bits | '1111' 64 bits
 *               (signed two's complement)
 *             value XOR with the previous value's bits:
 *               '0' same bits | '10' meaningful bits inside the previous window
 *               | '11' 5 bits leading zeros, 6 bits length (0 means 64), the meaningful bits
 *
 * Values are handled as two uint32 words (hi, lo) so every float64 round-trips bit-exactly
 * (-0, ±Inf, NaN payloads, the stale marker). The caller decides when to cut a chunk.
 */
import { ARENA_MAX_BYTES, NO_SLOT, type ChunkArena } from './chunkArena.ts';
import { STALE_NAN_BITS_HI, STALE_NAN_BITS_LO } from './staleMarker.ts';

const TWO32 = 4294967296;
/** Bytes after the data that readers may touch; padded copies make bounds checks unnecessary. */
const READ_PAD = 8;
const MAX_SAMPLES = 0xffff;

/** Room for a new chunk's first samples; it grows by doubling (by size class, in an arena). */
const INITIAL_BYTES = 128;
const EMPTY = new Uint8Array(0);

const cvtF64 = new Float64Array(1);
const cvtU32 = new Uint32Array(cvtF64.buffer);

export class XorChunk {
  /** @internal holds the chunk's bytes from `base` on (an arena slab, or the chunk's own buffer). */
  buf: Uint8Array;
  /** @internal where the chunk starts in buf. */
  base = 0;
  /** @internal bytes from base the chunk may grow into. */
  cap: number;
  /** @internal bits written after the 2-byte header (exact only for chunks built by appending). */
  bitLen: number;
  /** @internal the arena slot the bytes occupy, or NO_SLOT when buf is the chunk's own allocation (no arena, or read from data). */
  slot = NO_SLOT;

  /**
   * An empty chunk, or one read from `data` (as returned by bytes()). `data` is not copied.
   * With an arena (head chunks), the chunk keeps its bytes there and must be `release()`d.
   */
  constructor(
    data?: Uint8Array,
    private readonly arena: ChunkArena | null = null,
    /** Room to start with when empty (default 128); it grows as samples are appended. */
    initialBytes = INITIAL_BYTES,
  ) {
    if (data) {
      if (data.length < 2) throw new Error(`corrupt XOR chunk: ${data.length} bytes`);
      this.buf = data;
      this.cap = data.length;
      this.bitLen = (data.length - 2) * 8;
    } else {
      this.buf = EMPTY;
      this.cap = 0;
      this.bitLen = 0;
      this.resize(Math.max(32, initialBytes));
    }
  }

  /**
   * @internal points the chunk at the arena slot of a chunk kept by its slot number and bit
   * length alone (or at nothing, for NO_SLOT): the store's heads share one XorChunk this way.
   */
  attach(slot: number, bitLen: number): void {
    this.slot = slot;
    this.bitLen = bitLen;
    if (slot === NO_SLOT) {
      this.buf = EMPTY;
      this.base = 0;
      this.cap = 0;
      return;
    }
    const arena = this.arena!;
    this.buf = arena.slab(slot);
    this.base = arena.offset(slot);
    this.cap = arena.size(slot);
  }

  numSamples(): number {
    return (this.buf[this.base] << 8) | this.buf[this.base + 1];
  }

  /** The encoded chunk. A view: valid until the next append. */
  bytes(): Uint8Array {
    return this.buf.subarray(this.base, this.base + 2 + ((this.bitLen + 7) >>> 3));
  }

  /** An appender continuing after the last sample (decodes the chunk once if it was read from bytes). */
  appender(): XorAppender {
    const a = new XorAppender(this);
    if (this.numSamples() > 0) a.restoreFrom(this);
    return a;
  }

  iterator(reuse?: XorIterator): XorIterator {
    const it = reuse ?? new XorIterator();
    it.reset(this.bytes());
    return it;
  }

  /**
   * Whether the bytes live in the arena. There a chunk grows one size class at a time (the
   * class rounds the size up): a copy of a few hundred bytes per step costs less than holding
   * up to twice the bytes, as doubling would, across every head of the store.
   */
  inArena(): boolean {
    return this.arena !== null && this.cap < ARENA_MAX_BYTES;
  }

  /** Returns an arena chunk's bytes to the arena; the chunk must not be used afterwards (but may be `restart`ed). */
  release(): void {
    if (this.slot !== NO_SLOT) this.arena!.free(this.slot);
    this.slot = NO_SLOT;
    this.buf = EMPTY;
    this.base = 0;
    this.cap = 0;
    this.bitLen = 0;
  }

  /**
   * Hands the arena slot (or NO_SLOT) to the caller, who frees it when done with views of
   * the bytes, and leaves the chunk empty (`restart` it to append again).
   */
  takeSlot(): number {
    const slot = this.slot;
    this.slot = NO_SLOT;
    this.release();
    return slot;
  }

  /** Empties the chunk in place (new storage of `initialBytes`, the old bytes released): a head starting over after a cut. */
  restart(initialBytes = INITIAL_BYTES): void {
    this.release();
    this.resize(Math.max(32, initialBytes));
  }

  /** @internal moves the bytes into zeroed storage of at least `size` bytes (prefix copied). */
  resize(size: number): void {
    const old = this.buf.subarray(this.base, this.base + Math.min(this.cap, size));
    const oldSlot = this.slot;
    const arena = this.arena;
    if (arena !== null) {
      const slot = arena.alloc(size);
      this.slot = slot;
      this.buf = arena.slab(slot);
      this.base = arena.offset(slot);
      this.cap = arena.size(slot);
    } else {
      this.slot = NO_SLOT;
      this.buf = new Uint8Array(size);
      this.base = 0;
      this.cap = size;
    }
    this.buf.set(old, this.base);
    if (oldSlot !== NO_SLOT) arena!.free(oldSlot);
  }
}

/**
 * Encodes samples onto the end of a XorChunk. The encoder state is public to the storage
 * package: a store's head series keep theirs in columns (HeadColumns) and share one appender,
 * loading a series' state before an append and saving it after.
 */
export class XorAppender {
  /** @internal last timestamp and delta. */
  t = 0;
  tDelta = 0;
  /** @internal last value's bits. */
  vHi = 0;
  vLo = 0;
  /** @internal leading/trailing zeros of the current XOR window; 0xff = no window yet. */
  leading = 0xff;
  trailing = 0;
  /** @internal samples in the chunk. */
  n: number;

  constructor(
    /** @internal the chunk appended to. */
    public c: XorChunk,
  ) {
    this.n = c.numSamples();
  }

  /** @internal rebuild the encoder state by decoding the chunk. */
  restoreFrom(c: XorChunk): void {
    const it = new XorIterator();
    it.reset(c.bytes());
    const st = it.decodeState;
    this.t = st.t;
    this.tDelta = st.tDelta;
    this.vHi = st.vHi;
    this.vLo = st.vLo;
    this.leading = st.leading;
    this.trailing = st.trailing;
    this.n = c.numSamples();
    // Own a growable buffer holding exactly the decoded bits.
    const nbytes = 2 + ((st.bitPos + 7) >>> 3);
    c.cap = Math.min(c.cap, nbytes);
    c.resize(Math.max(32, nbytes)); // copies those bytes, frees the slot they were in (if any); appends grow it
    const tail = st.bitPos & 7;
    if (tail) c.buf[c.base + nbytes - 1] &= 0xff << (8 - tail);
    c.bitLen = st.bitPos;
  }

  /** Appends a sample; t must be an integer greater than the previous one (checked by the caller). */
  append(t: number, v: number): void {
    cvtF64[0] = v;
    let hi = cvtU32[1];
    const lo = cvtU32[0];
    // V8 may have quieted the (signaling) stale marker: write the canonical bits.
    if (lo === STALE_NAN_BITS_LO && (hi & 0x7ff7ffff) === STALE_NAN_BITS_HI && v !== v) hi = STALE_NAN_BITS_HI;
    this.appendBits(t, hi, lo);
  }

  /** Appends a sample whose value is given as its raw bits. */
  appendBits(t: number, hi: number, lo: number): void {
    const c = this.c;
    if (this.n >= MAX_SAMPLES) throw new Error('XOR chunk full');
    this.ensure(160); // worst case: 68 timestamp bits + 79 value bits
    if (this.n === 0) {
      this.writeInt64(t);
      this.write(hi >>> 0, 32);
      this.write(lo >>> 0, 32);
      this.t = t;
      this.tDelta = 0;
    } else {
      const delta = t - this.t;
      const dod = delta - this.tDelta;
      if (dod === 0) {
        this.write(0, 1);
      } else if (dod >= -8192 && dod <= 8191) {
        this.write(0b10, 2);
        this.write(dod & 0x3fff, 14);
      } else if (dod >= -65536 && dod <= 65535) {
        this.write(0b110, 3);
        this.write(dod & 0x1ffff, 17);
      } else if (dod >= -524288 && dod <= 524287) {
        this.write(0b1110, 4);
        this.write(dod & 0xfffff, 20);
      } else {
        this.write(0b1111, 4);
        this.writeInt64(dod);
      }
      this.t = t;
      this.tDelta = delta;
      this.writeValue(hi, lo);
    }
    this.vHi = hi;
    this.vLo = lo;
    this.n++;
    c.buf[c.base] = this.n >>> 8;
    c.buf[c.base + 1] = this.n & 0xff;
  }

  private writeValue(hi: number, lo: number): void {
    const xh = (hi ^ this.vHi) >>> 0;
    const xl = (lo ^ this.vLo) >>> 0;
    if (xh === 0 && xl === 0) {
      this.write(0, 1);
      return;
    }
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 32 + (31 - Math.clz32(xh & -xh));
    if (leading > 31) leading = 31; // 5-bit field
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      this.write(0b10, 2);
      this.writeMeaningful(xh, xl, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const sig = 64 - leading - trailing;
    // '11' + 5 bits leading + 6 bits length, as one 13-bit write.
    this.write((0b11 << 11) | (leading << 6) | (sig & 63), 13);
    this.writeMeaningful(xh, xl, trailing, sig);
  }

  /** Writes bits [shift, shift+n) of the 64-bit value xh:xl. */
  private writeMeaningful(xh: number, xl: number, shift: number, n: number): void {
    let h: number, l: number;
    if (shift === 0) {
      h = xh;
      l = xl;
    } else if (shift < 32) {
      l = ((xl >>> shift) | (xh << (32 - shift))) >>> 0;
      h = xh >>> shift;
    } else {
      l = xh >>> (shift - 32);
      h = 0;
    }
    if (n > 32) {
      this.write(h, n - 32);
      this.write(l, 32);
    } else {
      this.write(l, n);
    }
  }

  private writeInt64(x: number): void {
    const hi = Math.floor(x / TWO32);
    this.write(hi >>> 0, 32);
    this.write((x - hi * TWO32) >>> 0, 32);
  }

  /** Makes room for `bits` more bits. */
  private ensure(bits: number): void {
    const c = this.c;
    const need = 2 + ((c.bitLen + bits + 7) >>> 3) + 8;
    if (need > c.cap) c.resize(c.inArena() ? need : Math.max(need, c.cap * 2));
  }

  /**
   * Writes the low n bits (1..32) of v, most significant first. Bytes past bitLen are always
   * zero (fresh or masked buffers), so zero bits only advance the position and whole bytes are
   * stored rather than merged.
   */
  private write(v: number, n: number): void {
    const c = this.c;
    const pos = c.bitLen;
    c.bitLen = pos + n;
    if (n < 32) v &= (1 << n) - 1;
    if (v === 0) return;
    const buf = c.buf;
    let idx = c.base + 2 + (pos >>> 3);
    const free = 8 - (pos & 7);
    if (n <= free) {
      buf[idx] |= v << (free - n);
      return;
    }
    n -= free;
    buf[idx++] |= v >>> n; // the top `free` bits (n < 32 here, so the shift is exact)
    while (n >= 8) {
      n -= 8;
      buf[idx++] = v >>> n;
    }
    if (n > 0) buf[idx] = v << (8 - n);
  }
}

interface DecodeState {
  t: number;
  tDelta: number;
  vHi: number;
  vLo: number;
  leading: number;
  trailing: number;
  /** Bits consumed after the header. */
  bitPos: number;
}

/**
 * Decodes a whole chunk on reset() into typed arrays it owns and reuses, then walks them: the
 * decode loop stays tight and next() is an index increment. Values sit in a Float64Array, so
 * their bits are kept; atV() returns the float.
 */
export class XorIterator {
  private ts = new Float64Array(128);
  private vs = new Float64Array(128);
  private vw = new Uint32Array(this.vs.buffer);
  private scratch = new Uint8Array(256);
  private n = 0;
  private i = -1;
  private error: Error | null = null;
  /** @internal encoder state after the last sample (for XorAppender.restoreFrom). */
  decodeState: DecodeState = { t: 0, tDelta: 0, vHi: 0, vLo: 0, leading: 0xff, trailing: 0, bitPos: 0 };

  reset(bytes: Uint8Array): void {
    this.i = -1;
    this.error = null;
    const n = bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : 0;
    this.n = 0;
    if (n === 0) return;
    if (this.ts.length < n) {
      const cap = Math.max(n, this.ts.length * 2);
      this.ts = new Float64Array(cap);
      this.vs = new Float64Array(cap);
      this.vw = new Uint32Array(this.vs.buffer);
    }
    if (this.scratch.length < bytes.length + READ_PAD) this.scratch = new Uint8Array((bytes.length + READ_PAD) * 2);
    const b = this.scratch;
    b.set(bytes);
    b.fill(0, bytes.length, bytes.length + READ_PAD);
    try {
      this.n = decodeInto(b, bytes.length, n, this.ts, this.vw, this.decodeState);
    } catch (e) {
      this.error = e as Error;
    }
  }

  next(): boolean {
    if (this.i < this.n) this.i++;
    return this.i < this.n;
  }

  /** Advances to the first sample with t >= the argument (never backwards). */
  seek(t: number): boolean {
    if (this.i < 0) this.i = 0;
    while (this.i < this.n && this.ts[this.i] < t) this.i++;
    return this.i < this.n;
  }

  atT(): number {
    return this.ts[this.i];
  }

  atV(): number {
    return this.vs[this.i];
  }

  /** Raw bits of the current value. */
  atVHi(): number {
    return this.vw[this.i * 2 + 1];
  }

  atVLo(): number {
    return this.vw[this.i * 2];
  }

  /** Number of decoded samples (for bulk readers). */
  length(): number {
    return this.n;
  }

  /** Decoded timestamps; valid until the next reset(). Indexes [0, length()). */
  timestamps(): Float64Array {
    return this.ts;
  }

  /** Decoded values; valid until the next reset(). Indexes [0, length()). */
  values(): Float64Array {
    return this.vs;
  }

  err(): Error | null {
    return this.error;
  }
}

/**
 * Decodes `count` samples from padded bytes b (real length len) into ts and vw (two uint32 words
 * per value, little-endian: vw[2i] = low word). Returns the number of samples decoded.
 */
function decodeInto(b: Uint8Array, len: number, count: number, ts: Float64Array, vw: Uint32Array, st: DecodeState): number {
  let pos = 16; // bit position from the start of b (skips the header)
  const limit = len * 8;
  let w: number;
  let i: number;
  let off: number;

  // First sample: 64-bit t, 64-bit value.
  i = pos >>> 3;
  let th = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
  let tl = ((b[i + 4] << 24) | (b[i + 5] << 16) | (b[i + 6] << 8) | b[i + 7]) >>> 0;
  let t = th * TWO32 + tl;
  i += 8;
  let vh = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  let vl = ((b[i + 4] << 24) | (b[i + 5] << 16) | (b[i + 6] << 8) | b[i + 7]) >>> 0;
  pos += 128;
  if (pos > limit) throw new Error('corrupt XOR chunk: truncated first sample');
  ts[0] = t;
  vw[0] = vl;
  vw[1] = vh;
  let delta = 0;
  let leading = 0xff;
  let trailing = 0;

  for (let k = 1; k < count; k++) {
    // ---- timestamp ----
    i = pos >>> 3;
    off = pos & 7;
    w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
    if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
    if (w >= 0) {
      pos += 1;
    } else if (w >>> 30 === 2) {
      delta += (w << 2) >> 18;
      pos += 16;
    } else if (w >>> 29 === 6) {
      delta += (w << 3) >> 15;
      pos += 20;
    } else if (w >>> 28 === 14) {
      delta += (w << 4) >> 12;
      pos += 24;
    } else {
      pos += 4;
      i = pos >>> 3;
      off = pos & 7;
      w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
      if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
      th = w; // signed high word
      pos += 32;
      i = pos >>> 3;
      off = pos & 7;
      w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
      if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
      tl = w >>> 0;
      pos += 32;
      delta += th * TWO32 + tl;
    }
    t += delta;
    ts[k] = t;

    // ---- value ----
    i = pos >>> 3;
    off = pos & 7;
    w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
    if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
    if (w >= 0) {
      pos += 1;
    } else {
      let sig: number;
      if ((w & 0x40000000) === 0) {
        if (leading === 0xff) throw new Error('corrupt XOR chunk: window reuse before any window');
        sig = 64 - leading - trailing;
        pos += 2;
      } else {
        leading = (w >>> 25) & 31;
        sig = (w >>> 19) & 63;
        if (sig === 0) sig = 64;
        trailing = 64 - leading - sig;
        if (trailing < 0) throw new Error('corrupt XOR chunk: bad window');
        pos += 13;
      }
      // Read sig bits as (mh, ml), then shift left by `trailing` into (xh, xl).
      let mh = 0;
      let ml: number;
      if (sig > 32) {
        i = pos >>> 3;
        off = pos & 7;
        w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
        if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
        mh = w >>> (64 - sig);
        pos += sig - 32;
        i = pos >>> 3;
        off = pos & 7;
        w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
        if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
        ml = w >>> 0;
        pos += 32;
      } else {
        i = pos >>> 3;
        off = pos & 7;
        w = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
        if (off !== 0) w = (w << off) | (b[i + 4] >>> (8 - off));
        ml = w >>> (32 - sig);
        pos += sig;
      }
      if (trailing === 0) {
        vh ^= mh;
        vl ^= ml;
      } else if (trailing < 32) {
        vh ^= (mh << trailing) | (ml >>> (32 - trailing));
        vl ^= ml << trailing;
      } else {
        vh ^= ml << (trailing - 32);
      }
    }
    vw[2 * k] = vl;
    vw[2 * k + 1] = vh;
  }
  if (pos > limit) throw new Error('corrupt XOR chunk: truncated');
  st.t = t;
  st.tDelta = delta;
  st.vHi = vh >>> 0;
  st.vLo = vl >>> 0;
  st.leading = leading;
  st.trailing = trailing;
  st.bitPos = pos - 16;
  return count;
}
