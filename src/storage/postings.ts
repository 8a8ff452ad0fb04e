/**
 * Resolves matchers to series ids (Prometheus's PostingsForMatchers). The SQLite
 * `postings(name, value, series_id)` table is the durable copy; queries run on an in-memory
 * mirror (name → value → sorted ids) rebuilt at open from the series labels, so a selector
 * costs no SQL and a regex runs once per distinct value of its label name:
 *  - a matcher that does not match '' selects the union of postings of the values it matches;
 *  - a matcher that matches '' (e.g. `a!="x"`, `a=""`, `a=~"x|"`) instead removes the series
 *    whose value it rejects, so series without the label stay in.
 * Positive sets are intersected smallest first; with none (label-name/value lookups) all series
 * are the base.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';

/** Ascending, duplicate-free series ids. */
export type IdList = ArrayLike<number>;

const EMPTY: IdList = [];

export class PostingsIndex {
  private readonly insert: Statement<[string, string, number]>;
  private readonly deleteOne: Statement<[string, string, number]>;
  /** name → value → ascending series ids. */
  private readonly mem = new Map<string, Map<string, number[]>>();

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO postings (name, value, series_id) VALUES (?, ?, ?)');
    this.deleteOne = db.prepare('DELETE FROM postings WHERE name = ? AND value = ? AND series_id = ?');
  }

  /** Persists a posting and indexes it in memory. */
  add(name: string, value: string, seriesId: number): void {
    this.insert.run(name, value, seriesId);
    this.index(name, value, seriesId);
  }

  /** Indexes a posting in memory only (open: the table already holds it). Idempotent. */
  index(name: string, value: string, seriesId: number): void {
    let values = this.mem.get(name);
    if (values === undefined) {
      values = new Map();
      this.mem.set(name, values);
    }
    const ids = values.get(value);
    if (ids === undefined) {
      values.set(value, [seriesId]);
      return;
    }
    const last = ids[ids.length - 1];
    if (seriesId > last) {
      ids.push(seriesId); // ids are handed out in increasing order: the common case
      return;
    }
    const at = lowerBound(ids, seriesId);
    if (ids[at] !== seriesId) ids.splice(at, 0, seriesId); // appenders committed out of creation order
  }

  /** Removes a series' postings. */
  remove(seriesId: number, labels: Labels): void {
    labels.forEach((n, v) => {
      this.deleteOne.run(n, v, seriesId);
      const values = this.mem.get(n);
      const ids = values?.get(v);
      if (values === undefined || ids === undefined) return;
      const at = lowerBound(ids, seriesId);
      if (ids[at] !== seriesId) return;
      ids.splice(at, 1);
      if (ids.length === 0) {
        values.delete(v);
        if (values.size === 0) this.mem.delete(n);
      }
    });
  }

  /**
   * Ids of series matching all matchers, ascending. `all` supplies the base set when no matcher
   * selects positively (only possible for label name/value lookups; select() refuses such selectors).
   */
  resolve(matchers: readonly Matcher[], all: () => Iterable<number>): IdList {
    const positives: IdList[] = [];
    const negatives: Matcher[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty) negatives.push(m);
      else {
        const ids = this.positive(m);
        if (ids.length === 0) return EMPTY;
        positives.push(ids);
      }
    }
    let result: IdList;
    if (positives.length === 0) {
      result = Float64Array.from(all()).sort();
    } else {
      // Smallest first: every intersection is bounded by the smallest set.
      positives.sort((a, b) => a.length - b.length);
      result = positives[0];
      for (let i = 1; i < positives.length && result.length > 0; i++) result = intersect(result, positives[i]);
    }
    for (const m of negatives) {
      if (result.length === 0) break;
      const rejected = this.rejectedBy(m);
      if (rejected.length > 0) result = subtract(result, rejected);
    }
    return result;
  }

  /** Series whose value of m.name matches m (m does not match ''). */
  private positive(m: Matcher): IdList {
    const values = this.mem.get(m.name);
    if (values === undefined) return EMPTY;
    if (m.type === '=') return values.get(m.value) ?? EMPTY;
    const literals = literalAlternatives(m);
    const lists: IdList[] = [];
    if (literals !== null && m.type === '=~') {
      for (const v of literals) {
        const ids = values.get(v);
        if (ids !== undefined) lists.push(ids);
      }
    } else {
      for (const [v, ids] of values) if (m.matches(v)) lists.push(ids);
    }
    return union(lists);
  }

  /** Series that have label m.name with a value m rejects (m matches ''). */
  private rejectedBy(m: Matcher): IdList {
    const values = this.mem.get(m.name);
    if (values === undefined) return EMPTY;
    if (m.type === '!=') return values.get(m.value) ?? EMPTY;
    const literals = literalAlternatives(m);
    const lists: IdList[] = [];
    if (literals !== null && m.type === '!~') {
      for (const v of literals) {
        const ids = values.get(v);
        if (ids !== undefined) lists.push(ids);
      }
    } else {
      for (const [v, ids] of values) if (!m.matches(v)) lists.push(ids);
    }
    return union(lists);
  }
}

/** Characters with a meaning in RE2 syntax besides '|'. */
const REGEX_META = /[\\.+*?()[\]{}^$]/;

/**
 * The exact strings a regex matcher's pattern stands for when it is a plain alternation of
 * literals (`a|b|c`, anchored as every matcher regex is); null when it uses any other syntax.
 */
function literalAlternatives(m: Matcher): string[] | null {
  if (REGEX_META.test(m.value)) return null;
  return m.value.split('|');
}

/** First index i with a[i] >= x. */
function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Union of disjoint ascending lists (each series has one value per label name). */
function union(lists: IdList[]): IdList {
  if (lists.length === 0) return EMPTY;
  if (lists.length === 1) return lists[0];
  let n = 0;
  for (const l of lists) n += l.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const l of lists) {
    if (Array.isArray(l)) out.set(l as number[], o);
    else for (let i = 0; i < l.length; i++) out[o + i] = l[i];
    o += l.length;
  }
  return out.sort();
}

/** a ∩ b, with a the smaller list: gallops through b when it is much longer. */
function intersect(a: IdList, b: IdList): IdList {
  const out: number[] = [];
  if (a.length * 8 < b.length) {
    let j = 0;
    for (let i = 0; i < a.length && j < b.length; i++) {
      j = gallop(b, a[i], j);
      if (j < b.length && b[j] === a[i]) out.push(a[i]);
    }
    return out;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** First index >= from with a[index] >= x: doubles its step, then binary-searches the last one. */
function gallop(a: IdList, x: number, from: number): number {
  let step = 1;
  let lo = from;
  let hi = from;
  while (hi < a.length && a[hi] < x) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  return lowerBound(a, x, lo, Math.min(hi, a.length));
}

/** Elements of a not in b (both ascending). */
function subtract(a: IdList, b: IdList): IdList {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    while (j < b.length && b[j] < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}
