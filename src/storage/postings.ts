/**
 * Resolves matchers to series ids through the SQLite `postings(name, value, series_id)` index
 * (Prometheus's PostingsForMatchers, on SQL):
 *  - a matcher that does not match '' selects the union of postings of the values it matches
 *    (equality is one index range; regexes scan that name's distinct values once);
 *  - a matcher that matches '' (e.g. `a!="x"`, `a=""`, `a=~"x|"`) instead removes the series
 *    whose value it rejects, so series without the label stay in.
 * Positive sets are intersected; with none (label-name/value lookups) all series are the base.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Labels } from './labels.ts';
import type { Matcher } from './matcher.ts';

export class PostingsIndex {
  private readonly byValue: Statement<[string, string], number>;
  private readonly byName: Statement<[string], { value: string; series_id: number }>;
  private readonly insert: Statement<[string, string, number]>;
  private readonly deleteOne: Statement<[string, string, number]>;

  constructor(db: Database) {
    this.byValue = db.prepare<[string, string], number>('SELECT series_id FROM postings WHERE name = ? AND value = ?').pluck();
    this.byName = db.prepare<[string], { value: string; series_id: number }>('SELECT value, series_id FROM postings WHERE name = ?');
    this.insert = db.prepare('INSERT OR IGNORE INTO postings (name, value, series_id) VALUES (?, ?, ?)');
    this.deleteOne = db.prepare('DELETE FROM postings WHERE name = ? AND value = ? AND series_id = ?');
  }

  add(name: string, value: string, seriesId: number): void {
    this.insert.run(name, value, seriesId);
  }

  /** Removes a series' postings (looked up by primary key through its labels). */
  remove(seriesId: number, labels: Labels): void {
    labels.forEach((n, v) => this.deleteOne.run(n, v, seriesId));
  }

  /**
   * Ids of series matching all matchers. `all` supplies the base set when no matcher selects
   * positively (only possible for label name/value lookups; select() refuses such selectors).
   */
  resolve(matchers: readonly Matcher[], all: () => Iterable<number>): Set<number> {
    let result: Set<number> | null = null;
    const negatives: Matcher[] = [];
    // Equality first: smallest sets, cheapest intersections.
    const ordered = [...matchers].sort((a, b) => rank(a) - rank(b));
    for (const m of ordered) {
      if (m.matchesEmpty) {
        negatives.push(m);
        continue;
      }
      const ids = this.positive(m);
      if (result === null) {
        result = ids;
      } else {
        const next = new Set<number>();
        for (const id of result) if (ids.has(id)) next.add(id);
        result = next;
      }
      if (result.size === 0) return result;
    }
    if (result === null) result = new Set(all());
    for (const m of negatives) {
      for (const id of this.rejectedBy(m)) result.delete(id);
      if (result.size === 0) break;
    }
    return result;
  }

  /** Series whose value of m.name matches m (m does not match ''). */
  private positive(m: Matcher): Set<number> {
    if (m.type === '=') return new Set(this.byValue.all(m.name, m.value));
    const out = new Set<number>();
    const verdict = new Map<string, boolean>();
    for (const row of this.byName.iterate(m.name)) {
      let ok = verdict.get(row.value);
      if (ok === undefined) {
        ok = m.matches(row.value);
        verdict.set(row.value, ok);
      }
      if (ok) out.add(row.series_id);
    }
    return out;
  }

  /** Series that have label m.name with a value m rejects (m matches ''). */
  private rejectedBy(m: Matcher): number[] {
    if (m.type === '!=') return this.byValue.all(m.name, m.value);
    const out: number[] = [];
    const verdict = new Map<string, boolean>();
    for (const row of this.byName.iterate(m.name)) {
      let ok = verdict.get(row.value);
      if (ok === undefined) {
        ok = m.matches(row.value);
        verdict.set(row.value, ok);
      }
      if (!ok) out.push(row.series_id);
    }
    return out;
  }
}

function rank(m: Matcher): number {
  if (m.matchesEmpty) return 3;
  return m.type === '=' ? 0 : m.type === '!=' ? 1 : 2;
}
