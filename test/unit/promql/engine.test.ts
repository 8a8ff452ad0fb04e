import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, QueryError } from '../../../src/promql/engine.ts';
import { loadedStorage } from '../../../src/promql/promqltest.ts';
import type { Queryable, Querier, SeriesSet } from '../../../src/storage/interface.ts';
import type { MatrixValue, VectorValue } from '../../../src/promql/values.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';

const storage = loadedStorage(`
load 15s
  http_requests_total{job="api", instance="a"} 0+10x40
  http_requests_total{job="api", instance="b"} 0+20x40
  http_requests_total{job="db", instance="c"} 0+5x40
`);

test('instant query: aggregation over rate', async () => {
  const engine = new Engine();
  const { result } = await engine.instantQuery(storage, 'sum by (job) (rate(http_requests_total[1m]))', 300_000);
  assert.equal(result.type, 'vector');
  const byJob = Object.fromEntries((result as VectorValue).samples.map((s) => [s.metric.get('job'), s.v]));
  assert.ok(Math.abs(byJob.api - 2) < 1e-9, `api rate ${byJob.api}`);
  assert.ok(Math.abs(byJob.db - 1 / 3) < 1e-9, `db rate ${byJob.db}`);
});

test('range query: one point per step, series sorted, name dropped by arithmetic', async () => {
  const engine = new Engine();
  const { result } = await engine.rangeQuery(storage, 'http_requests_total * 2', 0, 120_000, 30_000);
  const m = result as MatrixValue;
  assert.equal(m.type, 'matrix');
  assert.deepEqual(
    m.series.map((s) => s.metric.toString()),
    ['{instance="a", job="api"}', '{instance="b", job="api"}', '{instance="c", job="db"}'],
  );
  assert.deepEqual(
    m.series[0].points.map((p) => [p.t, p.v]),
    [
      [0, 0],
      [30_000, 40],
      [60_000, 80],
      [90_000, 120],
      [120_000, 160],
    ],
  );
});

test('parse errors are bad_data with the parser position', async () => {
  const engine = new Engine();
  await assert.rejects(engine.instantQuery(storage, 'sum(', 0), (e: unknown) => {
    assert.ok(e instanceof QueryError);
    assert.equal(e.type, 'bad_data');
    assert.match(e.message, /^1:\d+: parse error/);
    return true;
  });
});

test('a repeated query text reuses its parse but resolves step()-dependent durations per query', async () => {
  const engine = new Engine();
  const q = 'sum(count_over_time(http_requests_total[step() * 4]))';
  // Instant query: step() is 0, so the range is empty and nothing is selected.
  const first = await engine.instantQuery(storage, q, 300_000);
  assert.deepEqual((first.result as VectorValue).samples, []);
  // The same text as a range query with a 15s step: a 60s window holds 4 samples per series.
  const { result } = await engine.rangeQuery(storage, q, 300_000, 330_000, 15_000);
  assert.deepEqual(
    (result as MatrixValue).series[0].points.map((p) => p.v),
    [12, 12, 12],
  );
  // A parse error is not cached as a success, and a good query still parses afterwards.
  await assert.rejects(engine.instantQuery(storage, 'sum(', 0), /parse error/);
  await assert.rejects(engine.instantQuery(storage, 'sum(', 0), /parse error/);
  const again = await engine.instantQuery(storage, q, 300_000);
  assert.deepEqual((again.result as VectorValue).samples, []);
});

test('range queries reject a non-positive step and end before start', async () => {
  const engine = new Engine();
  await assert.rejects(engine.rangeQuery(storage, 'up', 0, 10, 0), /zero or negative query resolution step/);
  await assert.rejects(engine.rangeQuery(storage, 'up', 10, 0, 1), /end timestamp must not be before start time/);
  await assert.rejects(engine.rangeQuery(storage, 'up[5m]', 0, 10, 1), /invalid expression type "range vector" for range query/);
  await assert.rejects(engine.rangeQuery(storage, 'up', 0, 11_001_000, 1000), /exceeded maximum resolution of 11,000 points/);
});

test('max samples: a query over the limit fails with Prometheus error, smaller ones pass', async () => {
  const engine = new Engine({ maxSamples: 100 });
  await assert.rejects(engine.rangeQuery(storage, 'http_requests_total', 0, 600_000, 15_000), (e: unknown) => {
    assert.ok(e instanceof QueryError);
    assert.equal(e.type, 'execution');
    assert.equal(e.message, 'query processing would load too many samples into memory in query execution');
    return true;
  });
  const ok = await engine.rangeQuery(storage, 'http_requests_total', 0, 150_000, 15_000);
  assert.equal((ok.result as MatrixValue).series.length, 3);
  assert.ok(ok.stats.peakSamples <= 100);
});

test('timeout: a query past its deadline fails with "query timed out"', async () => {
  let now = 0;
  // Every clock read advances 1 s; the timeout is 5 s.
  const engine = new Engine({ timeoutMs: 5000, now: () => (now += 1000) });
  await assert.rejects(
    engine.rangeQuery(storage, 'sum(rate(http_requests_total[1m])) + sum(rate(http_requests_total[1m])) * 2 - 1', 0, 600_000, 15_000),
    (e: unknown) => e instanceof QueryError && e.type === 'timeout' && e.message === 'query timed out in expression evaluation',
  );
});

test('cancellation through an AbortSignal', async () => {
  const engine = new Engine();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(engine.instantQuery(storage, 'up', 0, { signal: ac.signal }), (e: unknown) => e instanceof QueryError && e.type === 'canceled');
});

test('max concurrency 1 still answers every query, in order', async () => {
  const engine = new Engine({ maxConcurrency: 1 });
  const results = await Promise.all([1, 2, 3].map((i) => engine.instantQuery(storage, `vector(${i})`, 0)));
  assert.deepEqual(
    results.map((r) => (r.result as VectorValue).samples[0].v),
    [1, 2, 3],
  );
});

test('lookback delta is an option', () => {
  const short = new Engine({ lookbackDeltaMs: 10_000 });
  // Last sample at 600s; at 620s it is older than 10s.
  assert.equal((short.instantQuerySync(storage, 'http_requests_total', 620_000).result as VectorValue).samples.length, 0);
  assert.equal((new Engine().instantQuerySync(storage, 'http_requests_total', 620_000).result as VectorValue).samples.length, 3);
});

/** Wraps a Queryable and counts how often each series' samples are read. */
function countingQueryable(inner: Queryable): { q: Queryable; iterators: () => number } {
  let iterators = 0;
  const q: Queryable = {
    querier(mint, maxt): Querier {
      const base = inner.querier(mint, maxt);
      return {
        ...base,
        labelNames: base.labelNames.bind(base),
        labelValues: base.labelValues.bind(base),
        close: base.close.bind(base),
        select(matchers, hints): SeriesSet {
          const set = base.select(matchers, hints);
          return {
            next: () => set.next(),
            err: () => set.err(),
            warnings: () => set.warnings(),
            at: () => {
              const s = set.at();
              return {
                labels: s.labels,
                iterator: () => {
                  iterators++;
                  return s.iterator();
                },
              };
            },
          };
        },
      };
    },
  };
  return { q, iterators: () => iterators };
}

test('each series is read from storage once per selector, not once per step', () => {
  const { q, iterators } = countingQueryable(storage);
  const engine = new Engine();
  const res = engine.rangeQuerySync(q, 'rate(http_requests_total[1m]) + http_requests_total', 60_000, 600_000, 15_000);
  assert.equal((res.result as MatrixValue).series.length, 3);
  assert.equal(res.result.type === 'matrix' && res.result.series[0].points.length, 37);
  // Two selectors × three series.
  assert.equal(iterators(), 6);
});

/** 1,500 series × 1 h at 15 s: enough work that a range query spans many event-loop slices. */
function bigStore(): MemoryStorage {
  const st = new MemoryStorage();
  const labels = Array.from({ length: 1500 }, (_, i) => Labels.fromObject({ __name__: 'big_total', g: String(i % 10), i: String(i) }));
  const refs = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < 240; k++) {
    const app = st.appender();
    for (let i = 0; i < labels.length; i++) refs[i] = app.append(refs[i], labels[i], k * 15_000, k * (i % 7));
    app.commit();
  }
  return st;
}

test('async queries yield to the event loop and can be canceled while they run', async () => {
  const st = bigStore();
  // sliceMs 0: pause at every yield point, so the test does not depend on machine speed.
  const engine = new Engine({ sliceMs: 0 });
  const q = 'sum by (g) (rate(big_total[5m])) / on (g) group_left count by (g) (big_total)';
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    if (pending) setImmediate(tick);
  };
  let pending = true;
  setImmediate(tick);
  const { result } = await engine.rangeQuery(st, q, 0, 3_600_000, 15_000);
  pending = false;
  assert.equal((result as MatrixValue).series.length, 10);
  assert.ok(ticks > 1, `other callbacks ran only ${ticks} time(s) during the query`);

  const ac = new AbortController();
  setImmediate(() => ac.abort());
  await assert.rejects(
    engine.rangeQuery(st, q, 0, 3_600_000, 15_000, { signal: ac.signal }),
    (e: unknown) => e instanceof QueryError && e.type === 'canceled',
  );
});
