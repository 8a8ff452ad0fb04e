/** Querier of the SQLite store: postings pick the series, chunks + head give the samples. */
import type { Querier, SampleIterator, SelectHints, Series, SeriesSet } from './interface.ts';
import { compareLabels, compareStrings, type Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';
import { ChunkSeqIterator, type ChunkRef } from './chunkSeqIterator.ts';
import type { HeadSeries } from './headSeries.ts';
import type { DecodedChunkCache } from './decodedChunkCache.ts';
import { checkSelectMatchers } from './selectSemantics.ts';
import { errSeriesSet } from './seriesSet.ts';
import type { SqliteStorage } from './sqliteStorage.ts';

export class SqliteQuerier implements Querier {
  constructor(
    private readonly store: SqliteStorage,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(matchers: Matcher[], hints?: SelectHints): SeriesSet {
    const err = checkSelectMatchers(matchers);
    if (err) return errSeriesSet(err);
    let list: HeadSeries[];
    try {
      list = this.store.matchingSeries(matchers, this.mint, this.maxt);
    } catch (e) {
      return errSeriesSet(e as Error);
    }
    if (hints?.sorted) list = sortedSelections(this.store).sorted(matchers, list);
    return new SqliteSeriesSet(this.store, list, this.mint, this.maxt, hints?.labelsOnly === true);
  }

  labelNames(matchers: Matcher[] = []): string[] {
    const names = new Set<string>();
    for (const s of this.store.matchingSeries(matchers, this.mint, this.maxt)) s.labels.forEach((n) => names.add(n));
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, matchers: Matcher[] = []): string[] {
    const values = new Set<string>();
    for (const s of this.store.matchingSeries(matchers, this.mint, this.maxt)) {
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  close(): void {}
}

/** A series whose chunks were read when the set reached it; iterators decode that snapshot. */
class SnapshotSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly chunks: ChunkRef[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly cache: DecodedChunkCache,
  ) {}
  iterator(): SampleIterator {
    return new ChunkSeqIterator(this.chunks, this.mint, this.maxt, this.cache);
  }
}

/** labelsOnly: chunks are read only if someone asks for an iterator anyway. */
class LazySeries implements Series {
  constructor(
    private readonly store: SqliteStorage,
    private readonly s: HeadSeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}
  get labels(): Labels {
    return this.s.labels;
  }
  iterator(): SampleIterator {
    return new ChunkSeqIterator(this.store.chunksOf(this.s, this.mint, this.maxt), this.mint, this.maxt, this.store.chunkCache);
  }
}

class SqliteSeriesSet implements SeriesSet {
  private i = -1;
  private cur: Series | null = null;
  private error: Error | null = null;
  private batch: ChunkRef[][] = [];
  private batchStart = 0;

  constructor(
    private readonly store: SqliteStorage,
    private readonly list: HeadSeries[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly labelsOnly: boolean,
  ) {}

  next(): boolean {
    while (++this.i < this.list.length) {
      const s = this.list[this.i];
      if (this.labelsOnly) {
        this.cur = new LazySeries(this.store, s, this.mint, this.maxt);
        return true;
      }
      let chunks: ChunkRef[];
      try {
        chunks = this.chunksAt(this.i);
      } catch (e) {
        this.error = e as Error;
        this.i = this.list.length;
        return false;
      }
      // Only series with a sample inside the range count. A chunk's minT and maxT are samples, so
      // bounds usually decide; only a chunk straddling the whole range needs decoding.
      if (chunks.length === 0) continue;
      const probe = hasBoundaryInRange(chunks, this.mint, this.maxt) ? null : new ChunkSeqIterator(chunks, this.mint, this.maxt, this.store.chunkCache);
      if (probe !== null && !probe.next()) {
        if (probe.err()) {
          this.error = probe.err();
          this.i = this.list.length;
          return false;
        }
        continue;
      }
      this.cur = new SnapshotSeries(s.labels, chunks, this.mint, this.maxt, this.store.chunkCache);
      return true;
    }
    this.cur = null;
    return false;
  }

  at(): Series {
    return this.cur!;
  }

  /** Chunks of list[i], read ahead PREFETCH series at a time (one SQL statement per batch). */
  private chunksAt(i: number): ChunkRef[] {
    if (i >= this.batchStart + this.batch.length) {
      this.batchStart = i;
      this.batch = [];
      this.batch = this.store.chunksOfMany(this.list.slice(i, i + PREFETCH), this.mint, this.maxt);
    }
    const chunks = this.batch[i - this.batchStart];
    this.batch[i - this.batchStart] = EMPTY_CHUNKS; // the set no longer needs it: let it be collected
    return chunks;
  }

  err(): Error | null {
    return this.error;
  }

  warnings(): string[] {
    return [];
  }
}

/** Series whose chunks are read together: bounds the memory held ahead of the consumer. */
const PREFETCH = 256;
const EMPTY_CHUNKS: ChunkRef[] = [];

function hasBoundaryInRange(chunks: ChunkRef[], mint: number, maxt: number): boolean {
  for (const c of chunks) {
    if ((c.minT >= mint && c.minT <= maxt) || (c.maxT >= mint && c.maxT <= maxt)) return true;
  }
  return false;
}

/**
 * The label order of recent selections, per storage. Sorting hundreds of label sets on every
 * query cost more than reading their samples (5% of CPU under a dashboard-like load). Postings
 * hand out a selector's series in id order, so until series come or go (or the time range
 * changes which ones overlap it) the same selector yields the same list again: an element-wise
 * identity check proves a remembered order still valid. Bounded by the series it refers to.
 */
class SortedSelections {
  private readonly byKey = new Map<string, { list: readonly HeadSeries[]; sorted: readonly HeadSeries[] }>();
  private refs = 0;

  constructor(private readonly maxRefs: number) {}

  /** list sorted by labels; the result is shared and must not be modified. */
  sorted(matchers: readonly Matcher[], list: HeadSeries[]): HeadSeries[] {
    const key = JSON.stringify(matchers.map((m) => [m.type, m.name, m.value]));
    const hit = this.byKey.get(key);
    if (hit !== undefined) {
      this.forget(key, hit.list.length);
      if (sameElements(hit.list, list)) {
        this.remember(key, hit.list, hit.sorted);
        return hit.sorted as HeadSeries[];
      }
    }
    const sorted = list.slice().sort((a, b) => compareLabels(a.labels, b.labels));
    if (list.length * 2 <= this.maxRefs) this.remember(key, list, sorted);
    return sorted;
  }

  private remember(key: string, list: readonly HeadSeries[], sorted: readonly HeadSeries[]): void {
    this.byKey.set(key, { list, sorted }); // most recently used last
    this.refs += list.length * 2;
    for (const [k, e] of this.byKey) {
      if (this.refs <= this.maxRefs) break;
      this.forget(k, e.list.length);
    }
  }

  private forget(key: string, n: number): void {
    this.byKey.delete(key);
    this.refs -= n * 2;
  }
}

function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Series references kept by SortedSelections (two pointer arrays: ~16 bytes per series). This also
 * bounds how many deleted series an entry can keep alive until the selector is queried again or
 * the entry is evicted.
 */
const SORTED_SELECTION_REFS = 100_000;
const sortedSelectionsOf = new WeakMap<SqliteStorage, SortedSelections>();

function sortedSelections(store: SqliteStorage): SortedSelections {
  let s = sortedSelectionsOf.get(store);
  if (s === undefined) sortedSelectionsOf.set(store, (s = new SortedSelections(SORTED_SELECTION_REFS)));
  return s;
}
