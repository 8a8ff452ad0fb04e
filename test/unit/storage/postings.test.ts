import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { PostingsIndex } from '../../../src/storage/postings.ts';
import { migrate } from '../../../src/storage/schema.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher, type MatchType } from '../../../src/storage/matcher.ts';

const VALUES = ['a', 'b', 'ab', 'a.b', 'axb', 'x|y', ''];
const NAMES = ['n1', 'n2', 'n3'];

/** Series as label objects (an absent label and '' are the same, as in Prometheus). */
const seriesArb = fc.array(
  fc.record({ n1: fc.constantFrom(...VALUES), n2: fc.constantFrom(...VALUES), n3: fc.constantFrom(...VALUES) }),
  { minLength: 1, maxLength: 30 },
);
const matcherArb = fc
  .record({
    type: fc.constantFrom<MatchType>('=', '!=', '=~', '!~'),
    name: fc.constantFrom(...NAMES, 'missing'),
    value: fc.constantFrom('a', 'b', 'a|b', 'a|ab', 'a.b', 'a\\.b', 'a.*', '.*', '.+', 'x|y', 'x\\|y', 'a|', ''),
  })
  .map((m) => new Matcher(m.type, m.name, m.value));

function build(objs: Record<string, string>[], order: number[]): { index: PostingsIndex; labels: Map<number, Labels> } {
  const db = new Database(':memory:');
  migrate(db);
  const index = new PostingsIndex(db);
  const labels = new Map<number, Labels>();
  // Ids are committed in an arbitrary order (concurrent appenders).
  for (const i of order) {
    const id = i + 1;
    const l = Labels.fromObject(Object.fromEntries(Object.entries(objs[i]).filter(([, v]) => v !== '')));
    labels.set(id, l);
    l.forEach((n, v) => index.add(n, v, id));
  }
  return { index, labels };
}

function bruteForce(labels: Map<number, Labels>, ms: Matcher[]): number[] {
  return [...labels]
    .filter(([, l]) => ms.every((m) => m.matches(l.get(m.name))))
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

describe('PostingsIndex', () => {
  it('resolves any matcher combination like a scan of every series, ids ascending', () => {
    fc.assert(
      fc.property(
        seriesArb.chain((objs) => fc.tuple(fc.constant(objs), fc.shuffledSubarray([...objs.keys()], { minLength: objs.length }))),
        fc.array(matcherArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        ([objs, order], ms, removals) => {
          const { index, labels } = build(objs, order);
          for (const r of removals) {
            const id = (r % objs.length) + 1;
            const l = labels.get(id);
            if (l) {
              index.remove(id, l);
              labels.delete(id);
            }
          }
          const got = Array.from(index.resolve(ms, () => labels.keys()));
          assert.deepEqual(got, bruteForce(labels, ms));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the SQLite table in step with memory', () => {
    const db = new Database(':memory:');
    migrate(db);
    const index = new PostingsIndex(db);
    index.add('job', 'api', 2);
    index.add('job', 'api', 1);
    index.add('job', 'db', 3);
    index.remove(2, Labels.fromObject({ job: 'api' }));
    assert.deepEqual(db.prepare('SELECT value, series_id FROM postings ORDER BY series_id').all(), [
      { value: 'api', series_id: 1 },
      { value: 'db', series_id: 3 },
    ]);
    assert.deepEqual(Array.from(index.resolve([new Matcher('=~', 'job', 'api|db')], () => [])), [1, 3]);
  });
});
