/**
 * The scrape cache's line table (arena, open addressing, sweeps and compaction, prediction)
 * and TextParser.skipKnownLine, plus a seeded differential test: scrapes through the cache's
 * fast paths store exactly what a plain parse of each payload says.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Entry } from '../../../src/scrape/expositionParser.ts';
import { NO_ENTRY, NO_SERIES, ScrapeCache } from '../../../src/scrape/scrapeCache.ts';
import { TextParser } from '../../../src/scrape/textParser.ts';
import { ScrapeLoop } from '../../../src/scrape/scrapeLoop.ts';
import { ManualClock } from '../../../src/clock.ts';
import type { Appender, SeriesRef } from '../../../src/storage/interface.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { isStaleNaN } from '../../../src/storage/staleMarker.ts';
import { scrapeConfig, targetFor, TEXT } from './helpers.ts';

const b = (s: string) => Buffer.from(s);
const lbl = (name: string, extra: Record<string, string> = {}) => Labels.fromObject({ __name__: name, ...extra });

function add(cache: ScrapeCache, line: string, labels: Labels | null = lbl(line)): number {
  return cache.addSeries(b(line), 0, line.length, labels);
}
function find(cache: ScrapeCache, line: string): number {
  return cache.find(b(line), 0, line.length);
}

describe('scrape cache line table', () => {
  it('finds lines by their bytes and maps spellings of one label set to one series', () => {
    const c = new ScrapeCache();
    c.begin();
    const a = add(c, 'm{a="1",b="2"}', lbl('m', { a: '1', b: '2' }));
    const a2 = add(c, 'm{b="2",a="1"}', lbl('m', { a: '1', b: '2' }));
    assert.notEqual(a, a2);
    assert.equal(c.seriesOf(a2), c.seriesOf(a));
    assert.equal(c.labelsOf(c.seriesOf(a)).toString(), 'm{a="1", b="2"}');
    assert.equal(find(c, 'm{a="1",b="2"}'), a);
    assert.equal(find(c, 'm{a="1",b="3"}'), NO_ENTRY);
    assert.equal(find(c, 'm{a="1",b="2"'), NO_ENTRY, 'a prefix is another line');
    const dropped = add(c, 'x', null);
    assert.equal(c.seriesOf(dropped), NO_SERIES);
  });

  it('keeps thousands of lines findable through table growth and a slice of the bytes', () => {
    const c = new ScrapeCache();
    c.begin();
    const ids = new Map<string, number>();
    for (let i = 0; i < 5000; i++) ids.set(`s{i="${i}"}`, add(c, `s{i="${i}"}`));
    for (const [line, id] of ids) assert.equal(find(c, line), id);
    // Lookups read the range [s, e) of a larger buffer, as the parser hands them out.
    const payload = b('junk s{i="4321"} 1\n');
    assert.equal(c.find(payload, 5, 16), ids.get('s{i="4321"}'));
  });

  it('predicts the line that followed the previous one last scrape', () => {
    const c = new ScrapeCache();
    c.begin();
    const x = add(c, 'x');
    const y = add(c, 'y');
    const z = add(c, 'z');
    c.commit(() => {});
    c.begin();
    assert.equal(c.predicted(), x);
    c.touch(x);
    assert.equal(c.predicted(), y);
    c.touch(z); // y vanished: z follows x from now on
    assert.equal(c.predicted(), NO_ENTRY, 'z was the last line');
    c.commit(() => {});
    c.begin();
    c.touch(x);
    assert.equal(c.predicted(), z);
    assert.equal(Buffer.from(c.bytes.subarray(c.entryStart(y), c.entryEnd(y))).toString(), 'y');
  });

  it('sweeps lines unseen for two scrapes, compacts, and reports vanished series stale once', () => {
    const c = new ScrapeCache();
    const stale: string[] = [];
    const onStale = (s: number) => stale.push(c.labelsOf(s).metricName());
    c.begin();
    for (let i = 0; i < 100; i++) c.mark(c.seriesOf(add(c, `s${i}`)), false);
    c.commit(onStale);
    assert.equal(c.lineCount, 100);
    // Only the first 10 remain.
    for (let round = 0; round < 3; round++) {
      c.begin();
      for (let i = 0; i < 10; i++) {
        const id = find(c, `s${i}`);
        assert.notEqual(id, NO_ENTRY, `s${i} round ${round}`);
        c.mark(c.seriesOf(id), false);
      }
      c.commit(onStale);
    }
    assert.equal(stale.length, 90, 'each vanished series is stale exactly once');
    assert.equal(c.lineCount, 10);
    for (let i = 10; i < 100; i++) assert.equal(find(c, `s${i}`), NO_ENTRY);
    // After compaction the survivors are still found and predicted in order.
    c.begin();
    for (let i = 0; i < 10; i++) {
      const id = c.predicted();
      assert.equal(id, find(c, `s${i}`));
    }
    c.commit(() => {});
    // A swept line comes back as a new entry with a new series.
    c.begin();
    const back = add(c, 's50');
    assert.equal(c.mark(c.seriesOf(back), false), true);
    assert.equal(c.isNew(c.seriesOf(back)), true);
  });

  it('keeps a series while any spelling of it is marked, and forgets all spellings with it', () => {
    const c = new ScrapeCache();
    const stale: number[] = [];
    const labels = lbl('m', { a: '1', b: '2' });
    c.begin();
    const first = add(c, 'm{a="1",b="2"}', labels);
    const s = c.seriesOf(first);
    c.mark(s, false);
    c.setRef(s, 42);
    c.commit((x) => stale.push(x));
    // Only the second spelling from now on: the series (and its first entry) stays.
    for (let round = 0; round < 4; round++) {
      c.begin();
      const id = find(c, 'm{b="2",a="1"}');
      const second = id === NO_ENTRY ? add(c, 'm{b="2",a="1"}', labels) : id;
      assert.equal(c.seriesOf(second), s, `round ${round}`);
      assert.equal(c.mark(s, false), true);
      assert.equal(c.isNew(s), false);
      c.commit((x) => stale.push(x));
    }
    assert.equal(c.refOf(s), 42);
    assert.equal(stale.length, 0);
    assert.equal(c.lineCount, 2, 'the unseen first spelling stays as the series entry');
    // The series vanishes: one stale marker, then both spellings are forgotten.
    c.begin();
    c.commit((x) => stale.push(x));
    assert.deepEqual(stale, [s]);
    c.begin();
    c.commit((x) => stale.push(x));
    assert.equal(c.lineCount, 0);
    c.begin();
    assert.equal(find(c, 'm{b="2",a="1"}'), NO_ENTRY);
    const back = c.seriesOf(add(c, 'm{a="1",b="2"}', labels));
    assert.equal(c.refOf(back), 0, 'a new series');
  });

  it('abort() restores the marks of the last good scrape and forgets refs of series the failed scrape created', () => {
    const c = new ScrapeCache();
    const stale: string[] = [];
    const onStale = (s: number) => stale.push(c.labelsOf(s).metricName());
    c.begin();
    const a = c.seriesOf(add(c, 'a'));
    const b = c.seriesOf(add(c, 'b'));
    c.mark(a, false);
    c.mark(b, true); // explicit timestamp: never stale
    c.setRef(a, 11);
    c.setRef(b, 12);
    c.commit(onStale);
    // The failed scrape flips both timestamps and brings a new series.
    c.begin();
    c.mark(c.seriesOf(find(c, 'a')), true);
    c.mark(c.seriesOf(find(c, 'b')), false);
    const n = c.seriesOf(add(c, 'n'));
    c.mark(n, false);
    c.setRef(n, 13);
    c.abort(onStale);
    assert.deepEqual(stale, ['a'], 'as the last good scrape left them: a tracked, b not, n absent');
    assert.equal(c.refOf(a), 11);
    assert.equal(c.refOf(n), 0, "the failed batch's ref may not exist");
    // The next good scrape starts from there; marking again works (no duplicate).
    stale.length = 0;
    c.begin();
    for (const line of ['a', 'b', 'n']) assert.equal(c.mark(c.seriesOf(find(c, line)), false), true);
    c.commit(onStale);
    c.begin();
    c.commit(onStale);
    assert.deepEqual(stale.sort(), ['a', 'b', 'n']);
  });

  it('compaction keeps every series with its ref, labels, marks, spellings and metadata', () => {
    const c = new ScrapeCache();
    const N = 300;
    const kept = (i: number) => i % 5 === 2;
    const first = (i: number) => `m{i="${i}"}`;
    const second = (i: number) => `m{ i="${i}" }`;
    const help = (i: number) => `HELP f${i} Family ${i}.`;
    const stale: string[] = [];
    const onStale = (s: number) => stale.push(c.labelsOf(s).get('i'));
    const before = new Map<number, number>();
    c.begin();
    for (let i = 0; i < N; i++) {
      if (i % 10 === 2) c.setMetadata(b(help(i)), 0, help(i).length, `f${i}`, 'help', `Family ${i}.`);
      const id = add(c, first(i), lbl('m', { i: String(i) }));
      before.set(i, id);
      const s = c.seriesOf(id);
      c.mark(s, i % 3 === 0); // every third has an explicit timestamp: not tracked
      c.setRef(s, 1000 + i);
      if (i % 2 === 0) assert.equal(c.seriesOf(add(c, second(i), lbl('m', { i: String(i) }))), s);
    }
    c.commit(onStale);
    // Only every fifth series stays, seen through its second spelling where it has one.
    const scrape = () => {
      c.begin();
      for (let i = 0; i < N; i++) {
        if (i % 10 === 2) assert.equal(c.metaSeen(b(help(i)), 0, help(i).length), true);
        if (!kept(i)) continue;
        const id = find(c, i % 2 === 0 ? second(i) : first(i));
        assert.notEqual(id, NO_ENTRY, `series ${i}`);
        assert.equal(c.mark(c.seriesOf(id), i % 3 === 0), true);
      }
    };
    for (let round = 0; round < 2; round++) {
      scrape();
      c.commit(onStale); // the second sweeps the other lines: 4/5 of them are dead
    }
    const tracked = (i: number) => i % 3 !== 0;
    const want = [...Array(N).keys()].filter((i) => !kept(i) && tracked(i)).map(String);
    assert.deepEqual(stale.sort(), want.sort(), 'each vanished tracked series stale once');
    scrape(); // begin() compacts: ids move down
    assert.ok(find(c, first(N - 3)) < before.get(N - 3)!, 'compacted');
    for (let i = 0; i < N; i++) {
      if (!kept(i)) {
        assert.equal(find(c, first(i)), NO_ENTRY);
        continue;
      }
      const s = c.seriesOf(find(c, first(i)));
      assert.equal(c.labelsOf(s).get('i'), String(i));
      assert.equal(c.refOf(s), 1000 + i);
      assert.equal(c.isNew(s), false);
      if (i % 2 === 0) assert.equal(c.seriesOf(find(c, second(i))), s);
    }
    assert.equal(c.metadata().get('f12')?.help, 'Family 12.');
    // The flags moved with their series: a failed scrape reports exactly the kept tracked ones.
    stale.length = 0;
    c.abort(onStale);
    assert.deepEqual(stale.sort(), [...Array(N).keys()].filter((i) => kept(i) && tracked(i)).map(String).sort());
  });

  it('caches metadata lines and re-applies them when the text changes back', () => {
    const c = new ScrapeCache();
    const line = (help: string) => `HELP m ${help}`;
    const scrape = (help: string) => {
      c.begin();
      const l = line(help);
      if (!c.metaSeen(b(l), 0, l.length)) c.setMetadata(b(l), 0, l.length, 'm', 'help', help);
      c.commit(() => {});
    };
    scrape('one');
    scrape('two');
    scrape('one'); // the cached line for "one" is still there: it must win again
    assert.equal(c.metadata().get('m')?.help, 'one');
    scrape('one');
    scrape('one');
    c.begin();
    c.commit(() => {});
    c.begin();
    c.commit(() => {});
    assert.equal(c.metadata().size, 0, 'a family unseen for two scrapes is forgotten');
  });

  it('forgets metadata lines when the exposition format changes', () => {
    const c = new ScrapeCache();
    const l = 'HELP m a \\" quote';
    c.begin(false);
    c.setMetadata(b(l), 0, l.length, 'm', 'help', 'a \\" quote');
    c.commit(() => {});
    c.begin(true);
    assert.equal(c.metaSeen(b(l), 0, l.length), false);
  });

  it('clear() forgets every line and series', () => {
    const c = new ScrapeCache();
    c.begin();
    add(c, 'a');
    c.clear();
    assert.equal(c.lineCount, 0);
    c.begin();
    assert.equal(find(c, 'a'), NO_ENTRY);
    assert.equal(c.predicted(), NO_ENTRY);
  });
});

describe('TextParser.skipKnownLine', () => {
  const ref = (s: string) => [b(s), 0, s.length] as const;

  it('consumes a matching series line with its value and timestamp', () => {
    const p = new TextParser(b('m{a="1"} 2.5 1700000000000\nm{a="2"} 3\n'));
    assert.equal(p.skipKnownLine(...ref('m{a="1"}'), false), true);
    assert.equal(p.value, 2.5);
    assert.equal(p.hasTimestamp, true);
    assert.equal(p.timestamp, 1700000000000);
    assert.equal(p.buf.toString('latin1', p.seriesStart, p.seriesEnd), 'm{a="1"}');
    assert.deepEqual(p.labels().toObject(), { __name__: 'm', a: '1' });
    assert.equal(p.skipKnownLine(...ref('m{a="1"}'), false), false, 'a different line');
    assert.equal(p.next(), Entry.Series, 'nothing moved on a mismatch');
    assert.equal(p.value, 3);
    assert.equal(p.hasTimestamp, false);
  });

  it('does not take a bare name for a prefix of a longer name or of a labelled series', () => {
    assert.equal(new TextParser(b('foo_bar 1\n')).skipKnownLine(...ref('foo'), false), false);
    assert.equal(new TextParser(b('foo {a="b"} 1\n')).skipKnownLine(...ref('foo'), false), false);
    const p = new TextParser(b('foo \t 7\n'));
    assert.equal(p.skipKnownLine(...ref('foo'), false), true);
    assert.equal(p.value, 7);
    assert.deepEqual(p.labels().toObject(), { __name__: 'foo' });
  });

  it('reports a bad value after a known series as the scanner does', () => {
    const p = new TextParser(b('m{a="1"} x\n'));
    assert.throws(() => p.skipKnownLine(...ref('m{a="1"}'), false), /line 1: invalid sample value/);
    assert.equal(new TextParser(b('m{a="1"}')).skipKnownLine(...ref('m{a="1"}'), false), false, 'no value: left to next()');
  });

  it('consumes HELP/TYPE lines written exactly as before, nothing else', () => {
    const p = new TextParser(b('# HELP m Some help.\n# TYPE m counter\n#  HELP m Some help.\n'));
    assert.equal(p.skipKnownLine(...ref('HELP m Some help.'), true), true);
    assert.equal(p.skipKnownLine(...ref('TYPE m gauge'), true), false);
    assert.equal(p.skipKnownLine(...ref('TYPE m counter'), true), true);
    assert.equal(p.skipKnownLine(...ref('HELP m Some help.'), true), false, 'other spacing: scanned');
    assert.equal(p.next(), Entry.Help);
    assert.equal(new TextParser(b('# UNIT m s\n')).skipKnownLine(...ref('UNIT m s'), true), false, 'UNIT is a comment in the text format');
    assert.equal(new TextParser(b('# HELP m x y\n')).skipKnownLine(...ref('HELP m x'), true), false, 'must reach the line end');
  });
});

/** Records appended samples; refs are handed out per label set. */
function recorder() {
  const refs = new Map<string, number>();
  const batches: Array<Array<[string, number, number]>> = [];
  return {
    batches,
    appender(): Appender {
      const batch: Array<[string, number, number]> = [];
      return {
        append(ref: SeriesRef, l: Labels, t: number, v: number): SeriesRef {
          batch.push([l.toString(), t, v]);
          return ref || (refs.get(l.key()) ?? refs.set(l.key(), refs.size + 1).size);
        },
        commit: () => void batches.push(batch),
        rollback() {},
      };
    },
  };
}

describe('scrapes through the cache store what a plain parse says (seeded)', () => {
  // Lines from a small vocabulary, with alternative spellings of the same label set, so that
  // predictions, hash hits, misses and duplicates all occur across consecutive scrapes.
  const spellings = [
    ['a{x="1"}', 'a{ x="1" }', 'a{x="1",}'],
    ['a{x="2"}'],
    ['a'],
    ['a_b'],
    ['b{y="q\\"uote",x="1"}', 'b{x="1",y="q\\"uote"}'],
    ['c{le="+Inf"}'],
  ];
  const line = fc.record({
    series: fc.nat({ max: spellings.length - 1 }),
    spelling: fc.nat({ max: 2 }),
    value: fc.constantFrom('1', '2.5', '-3e2', 'NaN', '+Inf'),
    ts: fc.constantFrom('', ' 1700000000000'),
    meta: fc.constantFrom('', '# HELP a Help.\n', '# TYPE a counter\n', '# HELP a Other.\n'),
  });
  const payload = fc.array(line, { maxLength: 8 }).map((ls) =>
    ls.map((l) => `${l.meta}${spellings[l.series][l.spelling % spellings[l.series].length]} ${l.value}${l.ts}\n`).join(''),
  );

  it('over random scrape sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 6 }), async (payloads) => {
        const cfg = scrapeConfig();
        const target = targetFor(cfg);
        const rec = recorder();
        const clock = new ManualClock(1_700_000_000_000);
        const queue = [...payloads];
        const loop = new ScrapeLoop({
          honorLabels: false,
          honorTimestamps: true,
          limits: cfg,
          metricRelabelConfigs: [],
          target,
          appendable: rec,
          clock,
          source: { scrape: async () => ({ body: Buffer.from(queue.shift()!), contentType: TEXT }) },
        });
        for (const body of payloads) {
          const t = clock.now();
          await loop.scrapeAndReport();
          clock.advance(1000);
          // The oracle: a plain parse (no cache) of the same payload.
          const want: string[] = [];
          const keys = new Set<string>();
          let duplicate = false;
          const p = new TextParser(Buffer.from(body));
          for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
            if (e !== Entry.Series) continue;
            const l = p.labels();
            const full = Labels.fromObject({ ...l.toObject(), ...target.labels.toObject() });
            if (keys.has(full.key())) duplicate = true;
            keys.add(full.key());
            want.push(`${full.toString()} ${p.hasTimestamp ? p.timestamp : t} ${p.value}`);
          }
          const got = rec.batches
            .at(-1)!
            .filter(([l, , v]) => !isStaleNaN(v) && !/^(up|scrape_)/.test(l))
            .map(([l, ts, v]) => `${l} ${ts} ${v}`);
          if (duplicate) {
            assert.equal(target.state.health, 'down');
            assert.deepEqual(got, []);
          } else {
            assert.equal(target.state.health, 'up', target.state.lastError);
            assert.deepEqual(got, want);
            const helps = [...body.matchAll(/^# HELP a (.*)$/gm)];
            if (helps.length > 0) assert.equal(loop.cache.metadata().get('a')?.help, helps.at(-1)![1]);
          }
        }
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });
});
