/** SampleIterator over a sorted, non-overlapping sequence of XOR or packed chunks, limited to [mint, maxt]. */
import type { SampleIterator } from './interface.ts';
import { ChunkDecoder } from './chunkDecoder.ts';
import type { DecodedChunkCache } from './decodedChunkCache.ts';
import { upperBound } from './arrayIterator.ts';

export interface ChunkRef {
  minT: number;
  maxT: number;
  data: Uint8Array;
  /** Series id, set only on CLOSED (immutable) chunks: marks them cacheable once decoded. */
  sid?: number;
}

/** Placeholder until the first chunk loads; shared, since an empty array is never written. */
const NO_SAMPLES = new Float64Array(0);

export class ChunkSeqIterator implements SampleIterator {
  private ci = -1;
  private dec: ChunkDecoder | null = null;
  private ts: Float64Array = NO_SAMPLES;
  private vs: Float64Array = NO_SAMPLES;
  /** Start timestamps of the current chunk (NaN = none), null when it carries none. */
  private sts: Float64Array | null = null;
  private n = 0;
  private i = 0;
  /** Samples [i, end) of the current chunk are visible: end stops before any sample after maxt. */
  private end = 0;
  private done = false;
  private error: Error | null = null;

  constructor(
    private readonly chunks: readonly ChunkRef[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly cache: DecodedChunkCache | null = null,
  ) {}

  /** Loads the next chunk overlapping the range with maxT >= minT; false when none is left. */
  private loadNext(minT: number): boolean {
    for (;;) {
      this.ci++;
      if (this.ci >= this.chunks.length) return false;
      const c = this.chunks[this.ci];
      if (c.minT > this.maxt) return false;
      if (c.maxT < minT) continue;
      const cache = c.sid === undefined || this.cache === null || this.cache.maxBytes === 0 ? null : this.cache;
      const hit = cache === null ? undefined : cache.get(c.sid!, c.minT, c.maxT, c.data);
      if (hit !== undefined) {
        this.ts = hit.ts;
        this.vs = hit.vs;
        this.sts = hit.sts;
        this.n = hit.n;
      } else {
        const d = (this.dec ??= takeDecoder());
        try {
          d.decode(c.data);
        } catch (e) {
          this.error = e as Error;
          return false;
        }
        this.ts = d.ts;
        this.vs = d.vs;
        this.sts = d.sts;
        this.n = d.n;
      }
      if (cache !== null && hit === undefined) {
        // Serve the cached copy: the decode buffers go back to the pool when this iterator ends.
        const e = cache.put(c.sid!, c.minT, c.maxT, c.data, this.ts, this.vs, this.n, this.sts);
        this.ts = e.ts;
        this.vs = e.vs;
        this.sts = e.sts;
      }
      const ts = this.ts;
      const n = this.n;
      let i = 0;
      // Skip to minT within the chunk; cut the end before maxt once, so next() compares one index.
      while (i < n && ts[i] < minT) i++;
      this.i = i;
      this.end = n > 0 && ts[n - 1] <= this.maxt ? n : upperBound(ts, n, this.maxt);
      if (i < this.end) return true;
      if (i < n) return false; // what is left lies after maxt
    }
  }

  next(): boolean {
    const i = this.i + 1;
    if (i < this.end) {
      this.i = i;
      return true;
    }
    return this.advance();
  }

  /** next() past the visible end of the current chunk (or before the first one). */
  private advance(): boolean {
    if (this.done) return false;
    // Samples left in a loaded chunk lie after maxt: nothing follows.
    if (this.ci >= 0 && this.end < this.n) return this.finish();
    if (!this.loadNext(this.mint)) return this.finish();
    return true;
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (t < this.mint) t = this.mint;
    if (this.ci < 0) return this.loadNext(t) || this.finish();
    const ts = this.ts;
    let i = this.i;
    if (ts[i] >= t) return true;
    while (i < this.end && ts[i] < t) i++;
    this.i = i;
    if (i < this.end) return true;
    if (this.end < this.n) return this.finish();
    return this.loadNext(t) || this.finish();
  }

  private finish(): boolean {
    this.done = true;
    this.end = 0; // next() takes the slow path and sees done
    // Exhausted: its decode buffers can serve the next series of a scan (the arrays stay
    // referenced here, but atT/atV are undefined after next() returned false).
    if (this.dec !== null) {
      if (decoderPool.length < 8) decoderPool.push(this.dec);
      this.dec = null;
    }
    return false;
  }

  atT(): number {
    return this.ts[this.i];
  }

  atV(): number {
    return this.vs[this.i];
  }

  atST(): number | undefined {
    const sts = this.sts;
    if (sts === null) return undefined;
    const st = sts[this.i];
    return st === st ? st : undefined;
  }

  err(): Error | null {
    return this.error;
  }
}

// Full scans walk series one after another; recycling decoders spares a pair of typed arrays
// per series. Iterators still alive keep theirs, so concurrent iterators never share buffers.
const decoderPool: ChunkDecoder[] = [];

function takeDecoder(): ChunkDecoder {
  return decoderPool.pop() ?? new ChunkDecoder();
}
