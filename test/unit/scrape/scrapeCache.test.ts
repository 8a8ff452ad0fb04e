/**
 * The scrape cache's line table (arena, open addressing, sweeps and compaction, prediction)
 * and TextParser.skipKnownLine, plus a seeded differential test: scrapes through the cache's
 * fast paths store exactly what a plain parse of each payload says.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Entry } from '../../../src/scrape/expositionParser.ts';
import { NO_ENTRY, ScrapeCache } from '../../../src/scrape/scrapeCache.ts';
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
    assert.equal(c.stateOf(a), c.stateOf(a2));
    assert.equal(find(c, 'm{a="1",b="2"}'), a);
    assert.equal(find(c, 'm{a="1",b="3"}'), NO_ENTRY);
    assert.equal(find(c, 'm{a="1",b="2"'), NO_ENTRY, 'a prefix is another line');
    const dropped = add(c, 'x', null);
    assert.equal(c.stateOf(dropped), null);
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
    const onStale = (s: { labels: Labels }) => stale.push(s.labels.metricName());
    c.begin();
    for (let i = 0; i < 100; i++) c.mark(c.stateOf(add(c, `s${i}`))!, false);
    c.commit(onStale);
    assert.equal(c.lineCount, 100);
    // Only the first 10 remain.
    for (let round = 0; round < 3; round++) {
      c.begin();
      for (let i = 0; i < 10; i++) {
        const id = find(c, `s${i}`);
        assert.notEqual(id, NO_ENTRY, `s${i} round ${round}`);
        c.mark(c.stateOf(id)!, false);
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
    assert.equal(c.mark(c.stateOf(back)!, false), true);
    assert.equal(c.isNew(c.stateOf(back)!), true);
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
