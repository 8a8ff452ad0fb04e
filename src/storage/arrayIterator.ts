/** SampleIterator over parallel timestamp/value arrays, restricted to [mint, maxt]. */
import type { SampleIterator } from './interface.ts';

export class ArraySampleIterator implements SampleIterator {
  /** Index of the current sample. */
  protected i: number;
  private readonly start: number;
  private readonly end: number;

  /** ts ascending; only indexes [0, n) are visible. Values stay in a Float64Array to keep NaN bits. */
  constructor(
    private readonly ts: Float64Array,
    private readonly vs: Float64Array,
    n: number,
    mint: number,
    maxt: number,
  ) {
    this.start = lowerBound(ts, n, mint);
    this.i = this.start - 1;
    // Samples after maxt are invisible: cut the end there once.
    this.end = upperBound(ts, n, maxt);
    if (this.end < this.start) this.end = this.start;
  }

  next(): boolean {
    if (this.i >= this.end) return false;
    this.i++;
    return this.i < this.end;
  }

  seek(t: number): boolean {
    if (this.i < this.start) this.i = this.start;
    if (this.i >= this.end) return false;
    if (this.ts[this.i] < t) this.i = lowerBound(this.ts, this.end, t);
    return this.i < this.end;
  }

  atT(): number {
    return this.ts[this.i];
  }

  atV(): number {
    return this.vs[this.i];
  }

  err(): Error | null {
    return null;
  }
}

/** First index in ts[0, n) with ts[i] >= t. */
export function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in ts[0, n) with ts[i] > t. */
export function upperBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
