/**
 * The public surface of storage. Every other module reads and writes samples only through
 * these interfaces (DESIGN.md: storage imports none of the other modules).
 *
 * Timestamps are int64 milliseconds held in JS numbers (exact up to 2^53). Values are float64;
 * the stale marker is the NaN with bit pattern 0x7ff0000000000002 (see staleMarker.ts), kept
 * distinct from every other NaN through storage.
 */
import type { Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';

/** Opaque id of a stored series; 0 means "unknown, look it up by labels". */
export type SeriesRef = number;

/** Why an append was rejected. Rejections are counted by storage, never silent. */
export type AppendErrorReason = 'out_of_order' | 'duplicate_timestamp' | 'too_old' | 'invalid_labels';

export class AppendError extends Error {
  constructor(
    readonly reason: AppendErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'AppendError';
  }
}

/**
 * A batch of appends, made durable together by `commit()` (one SQLite transaction / one
 * append-log row) or dropped by `rollback()`. An Appender is used by one caller and is
 * finished after commit or rollback.
 */
export interface Appender {
  /**
   * Adds a sample. Pass `ref` from an earlier append of the same series to skip the label
   * lookup, or 0. Returns the series' ref. Throws AppendError when the sample is rejected
   * (out of order, or same timestamp with a different value); the rest of the batch is
   * unaffected. A sample equal to the last one (same t, same value bits) is accepted silently.
   *
   * `st` is the sample's optional start timestamp (ms): when a cumulative count began
   * (OpenMetrics `_created`, OTel start time) or where a delta sample's interval starts.
   * Omitted means "unknown"; storage keeps it exactly and returns it from atST().
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number, st?: number): SeriesRef;
  commit(): void;
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

/** Forward iterator over one series' samples in timestamp order. */
export interface SampleIterator {
  /** Advances to the next sample; false when exhausted (or on error: check err()). */
  next(): boolean;
  /** Advances to the first sample with timestamp >= t (no-op if already there); false if none. */
  seek(t: number): boolean;
  /** Timestamp of the current sample. */
  atT(): number;
  /** Value of the current sample. */
  atV(): number;
  /**
   * Start timestamp of the current sample, or undefined when it has none. Optional so that
   * iterators over data that never carries start timestamps need not implement it.
   */
  atST?(): number | undefined;
  err(): Error | null;
}

export interface Series {
  readonly labels: Labels;
  /** A fresh iterator over the samples within the querier's [mint, maxt]. */
  iterator(): SampleIterator;
}

/** Cursor over series; errors come back through err(), never thrown mid-iteration. */
export interface SeriesSet {
  next(): boolean;
  /** The current series; valid until the next call to next(). */
  at(): Series;
  err(): Error | null;
  warnings(): string[];
}

export interface SelectHints {
  /** Sort series by labels (compareLabels order). */
  sorted?: boolean;
  /** Only label sets are needed (e.g. /api/v1/series); iterators may be empty. */
  labelsOnly?: boolean;
}

/** Read access to the samples within [mint, maxt] (inclusive, milliseconds). */
export interface Querier {
  /**
   * Series matching all matchers (Prometheus semantics; at least one matcher must not match
   * the empty string, otherwise an error set is returned).
   */
  select(matchers: Matcher[], hints?: SelectHints): SeriesSet;
  /** Sorted label names of series matching the matchers (all series when none given). */
  labelNames(matchers?: Matcher[]): string[];
  /** Sorted values of label `name` over series matching the matchers. */
  labelValues(name: string, matchers?: Matcher[]): string[];
  close(): void;
}

export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

export interface Storage extends Appendable, Queryable {
  close(): void;
}
