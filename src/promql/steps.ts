/**
 * The evaluator's internal value shapes. Every node is evaluated for all steps of a query at
 * once: an instant vector becomes a set of series, each with one slot per step (`present`
 * marks the steps where the series has a value). Range vectors are kept as raw samples and
 * windowed per step by the functions that consume them.
 */
import type { Labels } from '../storage/labels.ts';
import { QueryError } from './errors.ts';

export interface StepSeries {
  metric: Labels;
  values: Float64Array;
  present: Uint8Array;
  /** Delayed name removal: `__name__` is dropped at the end of evaluation when set. */
  dropName: boolean;
}

export interface ScalarSteps {
  kind: 'scalar';
  values: Float64Array;
}

export interface StringSteps {
  kind: 'string';
  value: string;
}

export interface VectorSteps {
  kind: 'vector';
  series: StepSeries[];
}

/** Raw samples of one series (stale markers removed), timestamps ascending. */
export interface RangeSeries {
  metric: Labels;
  ts: Float64Array;
  vs: Float64Array;
  /**
   * Start timestamps parallel to ts (0: the sample has none, as in Prometheus), or undefined
   * when no sample of the series has one. Only matrix selectors carry them: subqueries and
   * other expressions cut their propagation.
   */
  sts?: Float64Array;
  dropName: boolean;
}

/**
 * A range vector for all steps: for step i the window is (T - range, T] with
 * T = (at ?? stepTime[i]) - offset.
 *
 * `series()` yields the series in label order. For a matrix selector it streams them from
 * storage one at a time (only one series' samples are in memory); a yielded series' arrays
 * are only valid until the next one is requested.
 */
export interface RangeArg {
  kind: 'matrix';
  series(): Iterable<RangeSeries>;
  range: number;
  offset: number;
  at: number | null;
}

export type EvalResult = ScalarSteps | StringSteps | VectorSteps | RangeArg;

/**
 * Evaluation steps are generators that yield (no value) at points where the engine may pause
 * to let the event loop run; `yield*` delegates to a sub-evaluation.
 */
export type Gen<T> = Generator<void, T, void>;

// Step arrays are carved out of shared slabs: a query makes thousands of small series, and a
// typed array of its own means a separate (off-heap, GC-tracked) backing store for each.
const SLAB_LENGTH = 8192;
let valueSlab = new Float64Array(0);
let presentSlab = new Uint8Array(0);
let slabUsed = 0;

/** A series with no value at any of the n steps (zeroed arrays, never shared with another). */
export function newStepSeries(metric: Labels, n: number, dropName = false): StepSeries {
  if (n > SLAB_LENGTH / 8) return { metric, values: new Float64Array(n), present: new Uint8Array(n), dropName };
  if (slabUsed + n > valueSlab.length) {
    valueSlab = new Float64Array(SLAB_LENGTH);
    presentSlab = new Uint8Array(SLAB_LENGTH);
    slabUsed = 0;
  }
  const values = valueSlab.subarray(slabUsed, slabUsed + n);
  const present = presentSlab.subarray(slabUsed, slabUsed + n);
  slabUsed += n;
  return { metric, values, present, dropName };
}

/**
 * Growable pair of typed arrays used while reading a series from storage, plus a start
 * timestamp array that only exists once a pushed sample had a start timestamp.
 */
export class SampleBuffer {
  ts: Float64Array;
  vs: Float64Array;
  /** Start timestamps (0: none); valid only while `hasST`. */
  sts: Float64Array | null = null;
  hasST = false;
  length = 0;

  constructor(capacity = 64) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  /** Empties the buffer (keeping its capacity). */
  reset(): void {
    this.length = 0;
    this.hasST = false;
  }

  push(t: number, v: number): void {
    if (this.length === this.ts.length) this.grow();
    this.ts[this.length] = t;
    this.vs[this.length] = v;
    if (this.hasST) this.sts![this.length] = 0;
    this.length++;
  }

  /** push() for a sample with an optional start timestamp. */
  pushWithST(t: number, v: number, st: number | undefined): void {
    if (st === undefined || st === 0) {
      this.push(t, v);
      return;
    }
    if (!this.hasST) {
      if (this.sts === null || this.sts.length < this.ts.length) this.sts = new Float64Array(this.ts.length);
      else this.sts.fill(0, 0, this.length);
      this.hasST = true;
    }
    if (this.length === this.ts.length) this.grow();
    this.ts[this.length] = t;
    this.vs[this.length] = v;
    this.sts![this.length] = st;
    this.length++;
  }

  private grow(): void {
    const ts = new Float64Array(this.length * 2);
    ts.set(this.ts);
    const vs = new Float64Array(this.length * 2);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
    if (this.hasST) {
      const sts = new Float64Array(this.length * 2);
      sts.set(this.sts!.subarray(0, this.length));
      this.sts = sts;
    }
  }

  /** Trimmed views (no copy). */
  finish(): { ts: Float64Array; vs: Float64Array } {
    return { ts: this.ts.subarray(0, this.length), vs: this.vs.subarray(0, this.length) };
  }
}

/**
 * Collects output samples by label set across steps, the way Prometheus's range evaluation
 * merges per-step vectors into series. Two samples with the same labels at the same step are
 * an error.
 */
export class SeriesCollector {
  private readonly byKey = new Map<string, StepSeries>();

  constructor(private readonly n: number) {}

  add(metric: Labels, dropName: boolean, step: number, value: number): void {
    SeriesCollector.set(this.slot(metric), dropName, step, value);
  }

  /** The output series for a label set, for callers that cache it across steps. */
  slot(metric: Labels): StepSeries {
    const key = metric.key();
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = newStepSeries(metric, this.n, false);
      this.byKey.set(key, s);
    }
    return s;
  }

  static set(s: StepSeries, dropName: boolean, step: number, value: number): void {
    if (s.present[step]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    if (dropName) s.dropName = true;
    s.values[step] = value;
    s.present[step] = 1;
  }

  /** Whether a sample with these labels was already added at `step`. */
  has(metric: Labels, step: number): boolean {
    const s = this.byKey.get(metric.key());
    return s !== undefined && s.present[step] === 1;
  }

  result(): VectorSteps {
    return { kind: 'vector', series: [...this.byKey.values()] };
  }
}

export function countPresent(v: VectorSteps): number {
  let c = 0;
  for (const s of v.series) for (let i = 0; i < s.present.length; i++) c += s.present[i];
  return c;
}
