/**
 * Labels: an immutable, sorted set of label name/value pairs.
 *
 * Treat it as opaque: callers read through get/has/forEach and build new sets with
 * LabelsBuilder, so the representation can change without touching them.
 * `key()` is the canonical identity used as Map key and hash input.
 */

// A lone surrogate never appears in a string decoded from valid UTF-8, so it cannot occur
// inside a label name or value and makes an unambiguous separator for the canonical key.
const SEP = '\uDFFF';

export const METRIC_NAME = '__name__';

/** FNV-1a over UTF-16 code units, then a terminator so ("ab","c") and ("a","bc") differ. */
function hashString(h: number, str: string): number {
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0xffff, 0x01000193);
}

export class Labels {
  private _key: string | undefined;
  private _hash = 0;

  /** names sorted ascending and unique; values[i] belongs to names[i]. Not copied: do not mutate. */
  private constructor(
    private readonly names: readonly string[],
    private readonly values: readonly string[],
  ) {}

  static readonly EMPTY = new Labels([], []);

  /** From a plain object; empty values are dropped (Prometheus: an empty label is an absent label). */
  static fromObject(obj: Record<string, string>): Labels {
    return Labels.fromPairs(Object.entries(obj));
  }

  /** From [name, value] pairs in any order; empty values dropped; a later duplicate name wins. */
  static fromPairs(pairs: Iterable<readonly [string, string]>): Labels {
    const m = new Map<string, string>();
    for (const [n, v] of pairs) m.set(n, v);
    const names = [...m.keys()].filter((n) => m.get(n) !== '').sort(compareStrings);
    return new Labels(names, names.map((n) => m.get(n)!));
  }

  /** Trusted constructor for code that already holds sorted, unique, non-empty pairs. */
  static fromSortedArrays(names: readonly string[], values: readonly string[]): Labels {
    return new Labels(names, values);
  }

  get size(): number {
    return this.names.length;
  }

  /** The value of `name`, or '' when absent (Prometheus semantics). */
  get(name: string): string {
    const i = this.indexOf(name);
    return i < 0 ? '' : this.values[i];
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** Name of the metric (`__name__`), '' when absent. */
  metricName(): string {
    return this.get(METRIC_NAME);
  }

  forEach(fn: (name: string, value: string) => void): void {
    for (let i = 0; i < this.names.length; i++) fn(this.names[i], this.values[i]);
  }

  nameAt(i: number): string {
    return this.names[i];
  }

  valueAt(i: number): string {
    return this.values[i];
  }

  labelNames(): readonly string[] {
    return this.names;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) o[this.names[i]] = this.values[i];
    return o;
  }

  /** Canonical identity string; equal label sets have equal keys. */
  key(): string {
    if (this._key === undefined) {
      // join() makes one flat string; `+=` would keep a rope of 4 pieces per label alive
      // (measured: ~640 vs ~135 bytes per key of a 7-label series, and keys live as long as
      // their series).
      const parts = new Array<string>(this.names.length * 4);
      for (let i = 0; i < this.names.length; i++) {
        parts[4 * i] = this.names[i];
        parts[4 * i + 1] = SEP;
        parts[4 * i + 2] = this.values[i];
        parts[4 * i + 3] = SEP;
      }
      this._key = parts.join('');
    }
    return this._key;
  }

  /** Same pairs as `other`, compared pair by pair (no key strings built). */
  equals(other: Labels): boolean {
    if (this === other) return true;
    const n = this.names.length;
    if (n !== other.names.length) return false;
    for (let i = 0; i < n; i++) if (this.names[i] !== other.names[i] || this.values[i] !== other.values[i]) return false;
    return true;
  }

  /**
   * A 31-bit hash of the pairs (cached; never 0), for maps that should not keep a key string
   * per label set (LabelsMap). Equal label sets hash equally; different ones may collide.
   */
  hash(): number {
    if (this._hash === 0) {
      let h = 0x811c9dc5;
      for (let i = 0; i < this.names.length; i++) {
        h = hashString(h, this.names[i]);
        h = hashString(h, this.values[i]);
      }
      this._hash = (h & 0x7fffffff) || 1;
    }
    return this._hash;
  }

  /** A copy without the given label names. */
  without(drop: Iterable<string>): Labels {
    const d = new Set(drop);
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (!d.has(this.names[i])) {
        names.push(this.names[i]);
        values.push(this.values[i]);
      }
    }
    return names.length === this.names.length ? this : new Labels(names, values);
  }

  /** A copy keeping only the given label names. */
  keep(only: Iterable<string>): Labels {
    const k = new Set(only);
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (k.has(this.names[i])) {
        names.push(this.names[i]);
        values.push(this.values[i]);
      }
    }
    return new Labels(names, values);
  }

  withoutMetricName(): Labels {
    return this.has(METRIC_NAME) ? this.without([METRIC_NAME]) : this;
  }

  /** Prometheus text form: `name{a="b", c="d"}` with Go-style escaping of values. */
  toString(): string {
    const name = this.get(METRIC_NAME);
    const parts: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] === METRIC_NAME) continue;
      parts.push(`${this.names[i]}=${quoteLabelValue(this.values[i])}`);
    }
    if (parts.length === 0 && name !== '') return name;
    return `${name}{${parts.join(', ')}}`;
  }

  private indexOf(name: string): number {
    // Label sets are small; a linear scan beats binary search below ~16 entries.
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
    return -1;
  }
}

/** Mutable builder; `labels()` yields a new immutable Labels. */
export class LabelsBuilder {
  private readonly m = new Map<string, string>();

  constructor(base?: Labels) {
    if (base) this.reset(base);
  }

  reset(base: Labels): this {
    this.m.clear();
    base.forEach((n, v) => this.m.set(n, v));
    return this;
  }

  get(name: string): string {
    return this.m.get(name) ?? '';
  }

  /** Setting '' deletes the label, as in Prometheus. */
  set(name: string, value: string): this {
    if (value === '') this.m.delete(name);
    else this.m.set(name, value);
    return this;
  }

  del(...names: string[]): this {
    for (const n of names) this.m.delete(n);
    return this;
  }

  /** Keep only the given names. */
  keep(...names: string[]): this {
    const k = new Set(names);
    for (const n of [...this.m.keys()]) if (!k.has(n)) this.m.delete(n);
    return this;
  }

  forEach(fn: (name: string, value: string) => void): void {
    this.m.forEach((v, n) => fn(n, v));
  }

  labels(): Labels {
    return Labels.fromPairs(this.m.entries());
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Label sets ordered as Prometheus sorts series: by name/value pairs, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.size, b.size);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a.nameAt(i), b.nameAt(i)) || compareStrings(a.valueAt(i), b.valueAt(i));
    if (c !== 0) return c;
  }
  return a.size - b.size;
}

/** Go strconv.Quote-like quoting used in label values and error messages. */
export function quoteLabelValue(v: string): string {
  return JSON.stringify(v);
}
