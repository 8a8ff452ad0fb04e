/**
 * An Appendable that forwards every accepted, committed sample to listeners (remote write
 * queues) after the wrapped storage has made the batch durable. Rolled-back and rejected
 * samples are never forwarded. Costs nothing when there are no listeners.
 */
import type { Appendable, Appender, SeriesRef } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';

export interface CommittedBatch {
  labels: Labels[];
  ts: number[];
  vs: Float64Array;
  length: number;
}

export type CommitListener = (batch: CommittedBatch) => void;

export class TeeAppendable implements Appendable {
  private listeners: CommitListener[] = [];

  constructor(private readonly inner: Appendable) {}

  setListeners(listeners: CommitListener[]): void {
    this.listeners = listeners;
  }

  appender(): Appender {
    const inner = this.inner.appender();
    if (this.listeners.length === 0) return inner;
    return new TeeAppender(inner, this.listeners);
  }
}

class TeeAppender implements Appender {
  private labels: Labels[] = [];
  private ts: number[] = [];
  // Float64Array keeps stale-marker NaN bits intact (plain arrays may quiet them).
  private vs = new Float64Array(256);

  constructor(
    private readonly inner: Appender,
    private readonly listeners: CommitListener[],
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const r = this.inner.append(ref, labels, t, v);
    const n = this.ts.length;
    if (n === this.vs.length) {
      const grown = new Float64Array(n * 2);
      grown.set(this.vs);
      this.vs = grown;
    }
    this.labels.push(labels);
    this.ts.push(t);
    this.vs[n] = v;
    return r;
  }

  commit(): void {
    this.inner.commit();
    const batch: CommittedBatch = { labels: this.labels, ts: this.ts, vs: this.vs, length: this.ts.length };
    for (const l of this.listeners) l(batch);
  }

  rollback(): void {
    this.inner.rollback();
  }
}
