/**
 * Start timestamps in evaluation: the `@st` load notation, the reset rule, and how rate,
 * increase, irate, resets and start_timestamp() use them, with hand-computed expectations
 * beyond what start_timestamps.test covers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher } from '../../../src/storage/matcher.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import type { Querier, SampleIterator, Series, SeriesSet, Storage } from '../../../src/storage/interface.ts';
import { Engine } from '../../../src/promql/engine.ts';
import { TEST_ENGINE_OPTIONS, TestScriptError, loadedStorage, parseStartOffsets, parseTestScript } from '../../../src/promql/promqltest.ts';
import { isStartTimestampReset, startTimestampOverlaps } from '../../../src/promql/functions/startTimestamps.ts';
import { Evaluator, type QueryContext } from '../../../src/promql/evaluator.ts';
import { Annotations } from '../../../src/promql/annotations.ts';
import { parseExpr } from '../../../src/promql/parser.ts';
import { assertAllPass } from '../../support/promqlScript.ts';

test('@st items: signed offsets, blanks and expansions relative to each sample', () => {
  assert.deepEqual(parseStartOffsets('_ _ -30s-1mx2 -59999msx1 0 +1m 1ms-1mx1 _x2 -0ms'), [
    null, null, -30_000, -90_000, -150_000, -59_999, -59_999, 0, 60_000, 1, -59_999, null, null, -0,
  ]);
  assert.throws(() => parseStartOffsets('abc'), /invalid start timestamp offset "abc"/);
});

test('@st lines attach to the next series line; a mismatch is a script error with its line', () => {
  const [load] = parseTestScript('load 1m\n  a@st _ -1m\n  a 1 2\n  b 1 2\n');
  assert.equal(load.kind, 'load');
  if (load.kind !== 'load') return;
  assert.deepEqual(load.series[0].startOffsets, [null, -60_000]);
  assert.equal(load.series[1].startOffsets, undefined);
  assert.throws(() => parseTestScript('load 1m\n  a@st _ -1m\n  b 1 2\n'), (e: Error) => e instanceof TestScriptError && /line 3:.*"@st" line on line 2 is for/.test(e.message));
  assert.throws(() => parseTestScript('load 1m\n  a@st -1m\n  a 1 2\n'), /1 start timestamps on line 2 for 2 values/);
  assert.throws(() => parseTestScript('load 1m\n  a@st -1m -1m\n'), /line 2: an "@st" line must be followed by its series line/);
});

test('loaded start timestamps reach storage as absolute times', () => {
  const s = loadedStorage('load 1m\n  a@st _ -1m 30s\n  a 1 2 3\n');
  const set = s.querier(0, Infinity).select([new Matcher('=', '__name__', 'a')]);
  assert.equal(set.next(), true);
  const it = set.at().iterator();
  const got: Array<[number, number | undefined]> = [];
  while (it.next()) got.push([it.atT(), it.atST?.()]);
  assert.deepEqual(got, [
    [0, undefined],
    [60_000, 0],
    [120_000, 150_000],
  ]);
});

test('reset rule: restarts after the previous sample, deltas, and the unknown-start cases', () => {
  // [prevST, prevT, curST, curT]
  assert.equal(isStartTimestampReset(0, 60, 0, 120), false, 'no start timestamps');
  assert.equal(isStartTimestampReset(10, 60, 10, 120), false, 'cumulative, same start');
  assert.equal(isStartTimestampReset(10, 60, 61, 120), true, 'restarted after the previous sample');
  assert.equal(isStartTimestampReset(0, 60, 61, 120), true, 'restart needs no previous start');
  assert.equal(isStartTimestampReset(0, 60, 60, 120), false, 'starts at the previous sample, previous start unknown');
  assert.equal(isStartTimestampReset(60, 60, 60, 120), false, 'OTel cumulative of unknown start (previous ST = T)');
  assert.equal(isStartTimestampReset(1, 60, 60, 120), true, 'delta: starts where the previous sample was taken');
  assert.equal(isStartTimestampReset(90, 60, 60, 120), false, 'invalid previous start (after its sample)');
  assert.equal(isStartTimestampReset(10, 60, 120, 120), false, 'ST = T means unknown start');
  assert.equal(isStartTimestampReset(10, 60, 130, 120), false, 'ST after its sample is invalid');
  assert.equal(startTimestampOverlaps(10, 60, 10), false, 'cumulative keeps its start');
  assert.equal(startTimestampOverlaps(0, 60, 60), false, 'delta starts at the previous sample');
  assert.equal(startTimestampOverlaps(0, 60, 30), true, 'starts before the previous sample');
  assert.equal(startTimestampOverlaps(0, 60, 0), false, 'no start timestamp');
});

test('increase/rate: a value-preserving restart is seen only through the start timestamp', () => {
  // Samples 10, 20 | 20, 30 (restart at 2m30s, first value after it equals the last before).
  assertAllPass(`
load 1m
  c_total@st _ 0s-1mx1 -30s-1mx1
  c_total    _ 10 20 20 30
  d_total    _ 10 20 20 30

# window (0, 4m]: 30 - 10 + 20 (restart at 3m) = 40. The first sample's ST equals its T
# (unknown start), so extrapolate as usual: left by 60s capped at the zero point
# 180s * 10/40 = 45s, right by 0s: 40 * 225/180 = 50. Without STs: 20 * 240/180.
eval instant at 4m increase(c_total[4m])
  {} 50

eval instant at 4m increase(d_total[4m])
  {} 26.666666666666668

eval instant at 4m resets(c_total[4m])
  {} 1

eval instant at 4m resets(d_total[4m])
  {} 0

# irate over the restart: the last value (30 - 0) over 60s, not (30 - 20) / 60s.
eval instant at 4m irate(c_total[2m])
  {} 0.16666666666666666
`);
});

test('a single sample whose start lies in the window gives a rate; otherwise none', () => {
  assertAllPass(`
load 1m
  one_total@st _ _ -90s
  one_total    _ _ 30
  out_total@st _ _ -3m
  out_total    _ _ 30

# zero at 30s, 30 at 2m: increase 30 over a 90s interval, nothing extrapolated right.
eval instant at 3m increase(one_total[3m])
  {} 30

eval instant at 3m rate(one_total[3m])
  {} 0.16666666666666666

eval instant at 3m increase(out_total[3m])
`);
});

test('start_timestamp(): the selected sample start in seconds, 0 without one, nothing from expressions', () => {
  assertAllPass(`
load 10s
  s@st _ -5s _ -1s
  s    _ 1 2 3
  plain 1 2

eval range from 0 to 30s step 10s start_timestamp(s)
  {} _ 5 0 29

eval instant at 10s start_timestamp(plain)
  {} 0

eval instant at 30s start_timestamp(s * 1)

eval instant at 30s start_timestamp(s offset 20s)
  {} 5
`);
});

test('subqueries and expressions carry no start timestamps', () => {
  assertAllPass(`
load 1m
  c_total@st _ 0s-1mx1 -30s-1mx1
  c_total    _ 10 20 20 30

eval instant at 4m resets(c_total[4m:1m])
  {} 0

eval instant at 4m resets((c_total * 1)[4m:1m])
  {} 0
`);
});

/** A store whose iterators have no atST at all (as before start timestamps existed). */
class NoStartTimestampStorage implements Storage {
  constructor(private readonly inner: Storage) {}
  appender() {
    return this.inner.appender();
  }
  querier(mint: number, maxt: number): Querier {
    const q = this.inner.querier(mint, maxt);
    return {
      select: (m, h): SeriesSet => {
        const set = q.select(m, h);
        return {
          next: () => set.next(),
          at: (): Series => {
            const s = set.at();
            return {
              labels: s.labels,
              iterator: (): SampleIterator => {
                const it = s.iterator();
                return { next: () => it.next(), seek: (t) => it.seek(t), atT: () => it.atT(), atV: () => it.atV(), err: () => it.err() };
              },
            };
          },
          err: () => set.err(),
          warnings: () => set.warnings(),
        };
      },
      labelNames: (m) => q.labelNames(m),
      labelValues: (n, m) => q.labelValues(n, m),
      close: () => q.close(),
    };
  }
  close() {
    this.inner.close();
  }
}

test('iterators without atST evaluate as series without start timestamps', () => {
  const script = 'load 1m\n  c_total@st _ 0s-1mx1 -30s-1mx1\n  c_total _ 10 20 20 30\n';
  const engine = new Engine(TEST_ENGINE_OPTIONS);
  const value = (store: Storage, q: string) => {
    const r = engine.instantQuerySync(store, q, 240_000, { queryText: q }).result;
    assert.equal(r.type, 'vector');
    return r.type === 'vector' ? r.samples.map((s) => s.v) : [];
  };
  const withST = loadedStorage(script, new MemoryStorage());
  const without = new NoStartTimestampStorage(loadedStorage(script, new MemoryStorage()));
  assert.deepEqual(value(withST, 'resets(c_total[4m])'), [1]);
  assert.deepEqual(value(without, 'resets(c_total[4m])'), [0]);
  assert.deepEqual(value(without, 'start_timestamp(c_total)'), [0]);
});

test('with start timestamps turned off, evaluation ignores them (and start_timestamp() is empty)', () => {
  const store = loadedStorage('load 1m\n  c_total@st _ 0s-1mx1 -30s-1mx1\n  c_total _ 10 20 20 30\n', new MemoryStorage());
  const run = (q: string, startTimestamps: boolean | undefined) => {
    const ctx: QueryContext = {
      queryable: store,
      lookbackDelta: 300_000,
      maxSamples: 1e6,
      currentSamples: 0,
      peakSamples: 0,
      deadline: Infinity,
      now: () => 0,
      annotations: new Annotations(q),
      queryStart: 240_000,
      queryEnd: 240_000,
      queryStep: 0,
      defaultSubqueryStep: 60_000,
      isRangeQuery: false,
      startTimestamps,
    };
    const gen = new Evaluator(ctx, Float64Array.of(240_000)).eval(parseExpr(q));
    let r = gen.next();
    while (!r.done) r = gen.next();
    const v = r.value;
    assert.equal(v.kind, 'vector');
    return v.kind === 'vector' ? v.series.map((s) => s.values[0]) : [];
  };
  assert.deepEqual(run('resets(c_total[4m])', undefined), [1]);
  assert.deepEqual(run('resets(c_total[4m])', true), [1]);
  assert.deepEqual(run('resets(c_total[4m])', false), [0]);
  assert.deepEqual(run('start_timestamp(c_total)', true), [150]);
  assert.deepEqual(run('start_timestamp(c_total)', false), []);
});
