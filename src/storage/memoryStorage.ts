/**
 * MemoryStorage: the obviously-correct reference store. Every series keeps its samples in two
 * growable Float64Arrays (a third one for start timestamps once a sample of the series has
 * one, NaN marking "none"); nothing is compressed or persisted. Tests (PromQL conformance, API)
 * use it directly, and the shared Querier suite checks the SQLite store against it.
 */
import { AppendError, type Appender, type Querier, type SampleIterator, type SelectHints, type Series, type SeriesRef, type SeriesSet, type Storage } from './interface.ts';
import { compareLabels, compareStrings, type Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';
import { ArraySampleIterator, lowerBound } from './arrayIterator.ts';
import { sameFloatBits, storeFloat } from './floatBits.ts';
import { checkSelectMatchers, labelsMatchAll } from './selectSemantics.ts';
import { errSeriesSet, listSeriesSet } from './seriesSet.ts';

class MemSeries {
  ts = new Float64Array(16);
  vs = new Float64Array(16);
  /** Start timestamps, parallel to ts; null until some sample has one (NaN = none). */
  sts: Float64Array | null = null;
  n = 0;
  constructor(
    readonly ref: SeriesRef,
    readonly labels: Labels,
  ) {}

  lastT(): number {
    return this.n === 0 ? -Infinity : this.ts[this.n - 1];
  }

  /** `st` NaN means the sample has no start timestamp. */
  push(t: number, v: number, st: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
      if (this.sts !== null) {
        const sts = new Float64Array(this.n * 2);
        sts.set(this.sts);
        this.sts = sts;
      }
    }
    if (this.sts === null && !Number.isNaN(st)) this.sts = new Float64Array(this.ts.length).fill(NaN);
    this.ts[this.n] = t;
    storeFloat(this.vs, this.n, v);
    if (this.sts !== null) this.sts[this.n] = st;
    this.n++;
  }

  overlaps(mint: number, maxt: number): boolean {
    return this.n > 0 && this.ts[0] <= maxt && this.ts[this.n - 1] >= mint;
  }

  hasSampleIn(mint: number, maxt: number): boolean {
    const i = lowerBound(this.ts, this.n, mint);
    return i < this.n && this.ts[i] <= maxt;
  }
}

export interface RejectedCounts {
  out_of_order: number;
  duplicate_timestamp: number;
  too_old: number;
  invalid_labels: number;
}

export class MemoryStorage implements Storage {
  private readonly byKey = new Map<string, MemSeries>();
  private readonly byRef: MemSeries[] = [];
  /** Samples rejected by appenders, by reason. */
  readonly rejected: RejectedCounts = { out_of_order: 0, duplicate_timestamp: 0, too_old: 0, invalid_labels: 0 };

  appender(): Appender {
    return new MemoryAppender(this);
  }

  querier(mint: number, maxt: number): Querier {
    return new MemoryQuerier(this.byRef.slice(), mint, maxt);
  }

  /** Label sets of series with samples overlapping [mint, maxt], sorted. */
  series(matchers: Matcher[], mint = -Infinity, maxt = Infinity): Labels[] {
    const err = checkSelectMatchers(matchers);
    if (err) throw err;
    return this.byRef
      .filter((s) => s.overlaps(mint, maxt) && labelsMatchAll(s.labels, matchers))
      .map((s) => s.labels)
      .sort(compareLabels);
  }

  close(): void {}

  /** @internal */
  getByRef(ref: SeriesRef): MemSeries | undefined {
    return this.byRef[ref - 1];
  }

  /** @internal */
  getOrCreate(labels: Labels): MemSeries {
    let s = this.byKey.get(labels.key());
    if (!s) {
      s = new MemSeries(this.byRef.length + 1, labels);
      this.byRef.push(s);
      this.byKey.set(labels.key(), s);
    }
    return s;
  }

  /** @internal */
  reject(reason: keyof RejectedCounts, message: string): never {
    this.rejected[reason]++;
    throw new AppendError(reason, message);
  }
}

interface Pending {
  labels: Labels;
  ts: number[];
  vs: Float64Array;
  /** Start timestamps, NaN for none; null while no pending sample has one. */
  sts: number[] | null;
  n: number;
}

class MemoryAppender implements Appender {
  // Pending samples per series key; values in a Float64Array so NaN bits survive until commit.
  private readonly pending = new Map<string, Pending>();
  private done = false;

  constructor(private readonly store: MemoryStorage) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number, st?: number): SeriesRef {
    if (this.done) throw new Error('appender already committed or rolled back');
    if (ref !== 0) labels = this.store.getByRef(ref)?.labels ?? labels;
    if (labels.size === 0) this.store.reject('invalid_labels', 'empty label set');
    const key = labels.key();
    // The series exists from its first append (as in Prometheus), so a ref can be returned at once;
    // it stays invisible to queries until it holds a committed sample.
    const existing = this.store.getOrCreate(labels);
    let p = this.pending.get(key);
    let lastT = existing.lastT();
    let lastV = existing.n > 0 ? existing.vs[existing.n - 1] : 0;
    if (p && p.n > 0) {
      lastT = p.ts[p.n - 1];
      lastV = p.vs[p.n - 1];
    }
    if (t < lastT) this.store.reject('out_of_order', `out of order sample for ${labels.toString()}: ${t} < ${lastT}`);
    if (t === lastT) {
      if (sameFloatBits(v, lastV)) return existing.ref;
      this.store.reject('duplicate_timestamp', `duplicate sample for timestamp ${t} with a different value for ${labels.toString()}`);
    }
    if (!p) {
      p = { labels, ts: [], vs: new Float64Array(4), sts: null, n: 0 };
      this.pending.set(key, p);
    }
    if (p.n === p.vs.length) {
      const vs = new Float64Array(p.n * 2);
      vs.set(p.vs);
      p.vs = vs;
    }
    p.ts.push(t);
    storeFloat(p.vs, p.n, v);
    if (st !== undefined && p.sts === null) p.sts = new Array<number>(p.n).fill(NaN);
    p.sts?.push(st ?? NaN);
    p.n++;
    return existing.ref;
  }

  commit(): void {
    if (this.done) return;
    this.done = true;
    for (const p of this.pending.values()) {
      const s = this.store.getOrCreate(p.labels);
      for (let i = 0; i < p.n; i++) s.push(p.ts[i], p.vs[i], p.sts === null ? NaN : p.sts[i]);
    }
    this.pending.clear();
  }

  rollback(): void {
    this.done = true;
    this.pending.clear();
  }
}

class MemorySeriesView implements Series {
  constructor(
    private readonly s: MemSeries,
    private readonly n: number,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}
  get labels(): Labels {
    return this.s.labels;
  }
  iterator(): SampleIterator {
    const { ts, vs, sts } = this.s;
    if (sts === null) return new ArraySampleIterator(ts, vs, this.n, this.mint, this.maxt);
    return new StartTimestampIterator(ts, vs, sts, this.n, this.mint, this.maxt);
  }
}

/** Iterator over a series some of whose samples carry start timestamps (NaN in `sts`: none). */
class StartTimestampIterator extends ArraySampleIterator {
  constructor(
    ts: Float64Array,
    vs: Float64Array,
    private readonly sts: Float64Array,
    n: number,
    mint: number,
    maxt: number,
  ) {
    super(ts, vs, n, mint, maxt);
  }

  atST(): number | undefined {
    const st = this.sts[this.i];
    return Number.isNaN(st) ? undefined : st;
  }
}

class MemoryQuerier implements Querier {
  constructor(
    private readonly all: MemSeries[],
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(matchers: Matcher[], hints?: SelectHints): SeriesSet {
    const err = checkSelectMatchers(matchers);
    if (err) return errSeriesSet(err);
    const out: Series[] = [];
    for (const s of this.all) {
      if (!s.hasSampleIn(this.mint, this.maxt) || !labelsMatchAll(s.labels, matchers)) continue;
      out.push(new MemorySeriesView(s, s.n, this.mint, this.maxt));
    }
    if (hints?.sorted) out.sort((a, b) => compareLabels(a.labels, b.labels));
    return listSeriesSet(out);
  }

  labelNames(matchers: Matcher[] = []): string[] {
    const names = new Set<string>();
    for (const s of this.matching(matchers)) s.labels.forEach((n) => names.add(n));
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers: Matcher[] = []): string[] {
    const values = new Set<string>();
    for (const s of this.matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  close(): void {}

  private matching(matchers: Matcher[]): MemSeries[] {
    return this.all.filter((s) => s.overlaps(this.mint, this.maxt) && labelsMatchAll(s.labels, matchers));
  }
}
