/**
 * A map from label sets to values that hold their labels (head series, scrape-cache series),
 * keyed by Labels.hash() with collisions resolved by comparing the pairs — as Prometheus's head
 * keys series by label hash. A Map keyed by Labels.key() would keep a ~200-byte key string per
 * series for as long as the series lives (2 MB of 10k series in bench:scrape's heap).
 */
import type { Labels } from './labels.ts';

export class LabelsMap<V extends object> {
  /** hash → the value, or the values whose labels share that hash. */
  private readonly buckets = new Map<number, V | V[]>();
  private count = 0;

  constructor(private readonly labelsOf: (v: V) => Labels) {}

  get size(): number {
    return this.count;
  }

  get(labels: Labels): V | undefined {
    const b = this.buckets.get(labels.hash());
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) return this.labelsOf(b).equals(labels) ? b : undefined;
    for (const v of b) if (this.labelsOf(v).equals(labels)) return v;
    return undefined;
  }

  /** Adds or replaces the value for labelsOf(v). */
  set(v: V): void {
    const labels = this.labelsOf(v);
    const h = labels.hash();
    const b = this.buckets.get(h);
    if (b === undefined) {
      this.buckets.set(h, v);
      this.count++;
    } else if (!Array.isArray(b)) {
      if (this.labelsOf(b).equals(labels)) this.buckets.set(h, v);
      else {
        this.buckets.set(h, [b, v]);
        this.count++;
      }
    } else {
      const i = b.findIndex((x) => this.labelsOf(x).equals(labels));
      if (i >= 0) b[i] = v;
      else {
        b.push(v);
        this.count++;
      }
    }
  }

  delete(labels: Labels): boolean {
    const h = labels.hash();
    const b = this.buckets.get(h);
    if (b === undefined) return false;
    if (!Array.isArray(b)) {
      if (!this.labelsOf(b).equals(labels)) return false;
      this.buckets.delete(h);
    } else {
      const i = b.findIndex((x) => this.labelsOf(x).equals(labels));
      if (i < 0) return false;
      b.splice(i, 1);
      if (b.length === 1) this.buckets.set(h, b[0]);
    }
    this.count--;
    return true;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }

  *values(): IterableIterator<V> {
    for (const b of this.buckets.values()) {
      if (Array.isArray(b)) yield* b;
      else yield b;
    }
  }
}
