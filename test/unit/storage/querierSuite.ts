/**
 * One Querier/Appender conformance suite run against every Storage implementation (STYLE 27):
 * the in-memory reference store and the SQLite store must answer identically.
 *
 * `open()` makes a fresh empty store; `settle(store)` runs after the data is loaded and may return
 * a different handle (for example after compaction or a reopen) so the same checks cover the
 * head, the chunks table and replay.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppendError, type SampleIterator, type Storage } from '../../../src/storage/interface.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher, type MatchType } from '../../../src/storage/matcher.ts';
import { EMPTY_SELECTOR_MESSAGE } from '../../../src/storage/selectSemantics.ts';
import { STALE_NAN } from '../../../src/storage/staleMarker.ts';

export interface QuerierSuiteOptions {
  name: string;
  open: () => Storage | Promise<Storage>;
  settle?: (s: Storage) => Storage | Promise<Storage>;
}

const L = (o: Record<string, string>) => Labels.fromObject(o);
const M = (name: string, type: MatchType, value: string) => new Matcher(type, name, value);

function bitsOf(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}

function drain(it: SampleIterator): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  while (it.next()) out.push([it.atT(), bitsOf(it.atV())]);
  assert.equal(it.err(), null);
  return out;
}

function drainWithSt(it: SampleIterator): Array<[number, string, number | undefined]> {
  const out: Array<[number, string, number | undefined]> = [];
  while (it.next()) out.push([it.atT(), bitsOf(it.atV()), it.atST?.()]);
  assert.equal(it.err(), null);
  return out;
}

const ST_SAMPLES = 300;

/** Series exercising start timestamps; values of st_xor are not short decimals (packed as deflated XOR). */
function stSeries(): Array<{ labels: Labels; ts: number[]; vs: number[]; sts: Array<number | undefined> }> {
  const ts = Array.from({ length: ST_SAMPLES }, (_, i) => i * 15_000);
  const make = (name: string, v: (i: number) => number, st: (i: number) => number | undefined) => ({
    labels: L({ __name__: name }),
    ts,
    vs: ts.map((_, i) => v(i)),
    sts: ts.map((_, i) => st(i)),
  });
  return [
    // Cumulative counter reset at sample 170: ST is constant per run.
    make('st_counter', (i) => (i < 170 ? i * 3 : (i - 170) * 3), (i) => (i < 170 ? -5_000 : 170 * 15_000 - 1)),
    // OTel delta: ST = T - 1m on every sample.
    make('st_delta', (i) => i % 7, (i) => i * 15_000 - 60_000),
    // STs with gaps: none on every third sample and on samples 40-99, arbitrary otherwise.
    make('st_gaps', (i) => i + 0.25, (i) => (i % 3 === 0 || (i >= 40 && i < 100) ? undefined : i * 15_000 - ((i * 7919) % 50_000))),
    make('st_xor', (i) => Math.PI * i, (i) => (i >= 150 ? 150 * 15_000 : undefined)),
    make('st_none', (i) => i, () => undefined),
  ];
}

/** Keys of selected series in selection order. */
function selectKeys(s: Storage, mint: number, maxt: number, matchers: Matcher[], sorted = true): string[] {
  const q = s.querier(mint, maxt);
  const set = q.select(matchers, { sorted });
  const out: string[] = [];
  while (set.next()) out.push(set.at().labels.toString());
  assert.equal(set.err(), null);
  q.close();
  return out;
}

const BASE = [
  L({ __name__: 'up', job: 'api', instance: 'a:1' }),
  L({ __name__: 'up', job: 'api-server', instance: 'b:1' }),
  L({ __name__: 'up', job: 'db', instance: 'c:1', tier: 'free' }),
  L({ __name__: 'http_requests_total', job: 'api', code: '200' }),
  L({ __name__: 'http_requests_total', job: 'api', code: '500' }),
];

async function loaded(opts: QuerierSuiteOptions, samplesPerSeries = 300, step = 15_000): Promise<Storage> {
  const s = await opts.open();
  // Several batches so the SQLite store cuts chunks and keeps part in the head.
  for (let b = 0; b < samplesPerSeries; b += 50) {
    const app = s.appender();
    for (let i = b; i < Math.min(b + 50, samplesPerSeries); i++) {
      BASE.forEach((l, k) => app.append(0, l, i * step, i * (k + 1) + 0.5));
    }
    app.commit();
  }
  return opts.settle ? opts.settle(s) : s;
}

export function runQuerierSuite(opts: QuerierSuiteOptions): void {
  describe(`Querier conformance: ${opts.name}`, () => {
    it('selects by =, !=, =~, !~ with anchored regexes', async () => {
      const s = await loaded(opts);
      const all = [-Infinity, Infinity] as const;
      assert.deepEqual(selectKeys(s, ...all, [M('job', '=', 'api'), M('__name__', '=', 'up')]), ['up{instance="a:1", job="api"}']);
      assert.deepEqual(selectKeys(s, ...all, [M('__name__', '=~', 'up'), M('job', '=~', 'api')]), ['up{instance="a:1", job="api"}']);
      assert.deepEqual(selectKeys(s, ...all, [M('__name__', '=', 'up'), M('job', '=~', 'api.*')]), [
        'up{instance="a:1", job="api"}',
        'up{instance="b:1", job="api-server"}',
      ]);
      assert.deepEqual(selectKeys(s, ...all, [M('__name__', '=', 'up'), M('job', '!=', 'api')]), [
        'up{instance="b:1", job="api-server"}',
        'up{instance="c:1", job="db", tier="free"}',
      ]);
      assert.deepEqual(selectKeys(s, ...all, [M('__name__', '=', 'up'), M('job', '!~', 'api|db')]), ['up{instance="b:1", job="api-server"}']);
      assert.deepEqual(selectKeys(s, ...all, [M('__name__', '=~', 'http_.*'), M('code', '=~', '5..')]), [
        'http_requests_total{code="500", job="api"}',
      ]);
      s.close();
    });

    it('treats an absent label as the empty string', async () => {
      const s = await loaded(opts);
      assert.deepEqual(selectKeys(s, -Infinity, Infinity, [M('__name__', '=', 'up'), M('tier', '=', '')]), [
        'up{instance="a:1", job="api"}',
        'up{instance="b:1", job="api-server"}',
      ]);
      assert.deepEqual(selectKeys(s, -Infinity, Infinity, [M('__name__', '=', 'up'), M('tier', '!=', '')]), ['up{instance="c:1", job="db", tier="free"}']);
      assert.deepEqual(selectKeys(s, -Infinity, Infinity, [M('__name__', '=', 'up'), M('tier', '=~', 'free|')]).length, 3);
      assert.deepEqual(selectKeys(s, -Infinity, Infinity, [M('nonexistent', '=~', '.+')]), []);
      s.close();
    });

    it('refuses selectors whose matchers all match the empty string', async () => {
      const s = await loaded(opts);
      const q = s.querier(-Infinity, Infinity);
      for (const ms of [[], [M('job', '=', '')], [M('job', '=~', '.*')], [M('job', '!=', 'api'), M('x', '=~', 'a|')]]) {
        const set = q.select(ms);
        assert.equal(set.next(), false);
        assert.equal(set.err()?.message, EMPTY_SELECTOR_MESSAGE);
      }
      q.close();
      s.close();
    });

    it('returns sorted series when asked and every sample in [mint, maxt] inclusive', async () => {
      const s = await loaded(opts);
      const q = s.querier(15_000 * 100, 15_000 * 250);
      const set = q.select([M('__name__', '=~', '.+')], { sorted: true });
      const keys: string[] = [];
      while (set.next()) {
        const ser = set.at();
        keys.push(ser.labels.toString());
        const got = drain(ser.iterator());
        assert.equal(got.length, 151);
        assert.equal(got[0][0], 15_000 * 100);
        assert.equal(got[150][0], 15_000 * 250);
        const k = BASE.findIndex((l) => l.equals(ser.labels)) + 1;
        assert.equal(got[7][1], bitsOf(107 * k + 0.5));
      }
      assert.deepEqual(keys, [
        'http_requests_total{code="200", job="api"}',
        'http_requests_total{code="500", job="api"}',
        'up{instance="a:1", job="api"}',
        'up{instance="b:1", job="api-server"}',
        'up{instance="c:1", job="db", tier="free"}',
      ]);
      q.close();
      s.close();
    });

    it('omits series without samples in the range', async () => {
      const s = await opts.open();
      const a = s.appender();
      a.append(0, L({ __name__: 'early' }), 1000, 1);
      a.append(0, L({ __name__: 'late' }), 900_000, 2);
      a.commit();
      const s2 = opts.settle ? await opts.settle(s) : s;
      assert.deepEqual(selectKeys(s2, 0, 2000, [M('__name__', '=~', '.+')]), ['early']);
      assert.deepEqual(selectKeys(s2, 2000, 800_000, [M('__name__', '=~', '.+')]), []);
      assert.deepEqual(selectKeys(s2, 900_000, 900_000, [M('__name__', '=~', '.+')]), ['late']);
      const q = s2.querier(0, 2000);
      assert.deepEqual(q.labelValues('__name__'), ['early']);
      q.close();
      s2.close();
    });

    it('iterator seek moves forward only and respects the range', async () => {
      const s = await loaded(opts);
      const q = s.querier(15_000 * 10, 15_000 * 290);
      const set = q.select([M('__name__', '=', 'up'), M('job', '=', 'db')]);
      assert.equal(set.next(), true);
      const it = set.at().iterator();
      assert.equal(it.seek(0), true);
      assert.equal(it.atT(), 15_000 * 10);
      assert.equal(it.seek(15_000 * 200 + 1), true);
      assert.equal(it.atT(), 15_000 * 201);
      assert.equal(it.seek(15_000 * 5), true, 'seek backwards is a no-op');
      assert.equal(it.atT(), 15_000 * 201);
      assert.equal(it.next(), true);
      assert.equal(it.atT(), 15_000 * 202);
      assert.equal(it.seek(15_000 * 291), false);
      assert.equal(it.next(), false);
      const it2 = set.at().iterator();
      assert.equal(it2.seek(15_000 * 290), true);
      assert.equal(it2.atV(), 290 * 3 + 0.5);
      assert.equal(it2.next(), false);
      q.close();
      s.close();
    });

    it('keeps special float bits exactly: -0, ±Inf, NaN payloads, stale marker', async () => {
      const s = await opts.open();
      const dv = new DataView(new ArrayBuffer(8));
      const fromBits = (hex: string) => {
        dv.setBigUint64(0, BigInt('0x' + hex));
        return dv.getFloat64(0);
      };
      const specials = ['8000000000000000', '7ff0000000000000', 'fff0000000000000', '7ff8000000000000', '7ff8000000000001', 'fff8000000000000', '7ff0000000000002', '7ff80000deadbeef', '0000000000000001', '3ff0000000000000'];
      const a = s.appender();
      const l = L({ __name__: 'specials' });
      specials.forEach((h, i) => a.append(0, l, i * 1000, h === '7ff0000000000002' ? STALE_NAN : fromBits(h)));
      a.commit();
      const s2 = opts.settle ? await opts.settle(s) : s;
      const q = s2.querier(-Infinity, Infinity);
      const set = q.select([M('__name__', '=', 'specials')]);
      assert.equal(set.next(), true);
      assert.deepEqual(drain(set.at().iterator()).map((x) => x[1]), specials);
      q.close();
      s2.close();
    });

    it('rejects out-of-order and changed duplicates, accepts identical duplicates', async () => {
      const s = await opts.open();
      const l = L({ __name__: 'm' });
      const a = s.appender();
      a.append(0, l, 1000, 1);
      a.append(0, l, 2000, 2);
      assert.throws(() => a.append(0, l, 1500, 3), (e: unknown) => e instanceof AppendError && e.reason === 'out_of_order');
      a.append(0, l, 2000, 2); // identical: silently accepted
      assert.throws(() => a.append(0, l, 2000, 5), (e: unknown) => e instanceof AppendError && e.reason === 'duplicate_timestamp');
      assert.throws(() => a.append(0, l, 2000, -0 * 2), (e: unknown) => e instanceof AppendError && e.reason === 'duplicate_timestamp');
      a.commit();
      const b = s.appender();
      assert.throws(() => b.append(0, l, 500, 1), (e: unknown) => e instanceof AppendError && e.reason === 'out_of_order');
      b.append(0, l, 2000, 2);
      b.append(0, l, 3000, 3);
      b.commit();
      const q = s.querier(-Infinity, Infinity);
      const set = q.select([M('__name__', '=', 'm')]);
      assert.equal(set.next(), true);
      assert.deepEqual(drain(set.at().iterator()).map((x) => x[0]), [1000, 2000, 3000]);
      q.close();
      s.close();
    });

    it('rollback discards the batch; refs skip the label lookup', async () => {
      const s = await opts.open();
      const l = L({ __name__: 'r', a: 'b' });
      const a = s.appender();
      const ref = a.append(0, l, 1000, 1);
      a.commit();
      assert.notEqual(ref, 0);
      const b = s.appender();
      b.append(ref, l, 2000, 2);
      b.rollback();
      const c = s.appender();
      assert.equal(c.append(ref, l, 3000, 3), ref);
      c.commit();
      const q = s.querier(-Infinity, Infinity);
      const set = q.select([M('a', '=', 'b')]);
      assert.equal(set.next(), true);
      assert.deepEqual(drain(set.at().iterator()).map((x) => x[0]), [1000, 3000]);
      assert.equal(set.next(), false);
      q.close();
      s.close();
    });

    it('lists label names and values, optionally filtered by matchers', async () => {
      const s = await loaded(opts);
      const q = s.querier(-Infinity, Infinity);
      assert.deepEqual(q.labelNames(), ['__name__', 'code', 'instance', 'job', 'tier']);
      assert.deepEqual(q.labelNames([M('__name__', '=', 'up')]), ['__name__', 'instance', 'job', 'tier']);
      assert.deepEqual(q.labelValues('job'), ['api', 'api-server', 'db']);
      assert.deepEqual(q.labelValues('job', [M('__name__', '=', 'http_requests_total')]), ['api']);
      assert.deepEqual(q.labelValues('code', [M('code', '!=', '200')]), ['500']);
      assert.deepEqual(q.labelValues('nope'), []);
      q.close();
      s.close();
    });

    it('keeps per-sample start timestamps exactly (constant, T - 1m, missing in between, none)', async () => {
      const s = await opts.open();
      const want = stSeries();
      for (let b = 0; b < ST_SAMPLES; b += 50) {
        const app = s.appender();
        for (const w of want) {
          for (let i = b; i < Math.min(b + 50, ST_SAMPLES); i++) app.append(0, w.labels, w.ts[i], w.vs[i], w.sts[i]);
        }
        app.commit();
      }
      const s2 = opts.settle ? await opts.settle(s) : s;
      const q = s2.querier(-Infinity, Infinity);
      for (const w of want) {
        const set = q.select([M('__name__', '=', w.labels.get('__name__'))]);
        assert.equal(set.next(), true);
        const got = drainWithSt(set.at().iterator());
        assert.deepEqual(got.map((x) => x[0]), w.ts, w.labels.toString());
        assert.deepEqual(got.map((x) => x[1]), w.vs.map(bitsOf), w.labels.toString());
        assert.deepEqual(got.map((x) => x[2]), w.sts, w.labels.toString());
      }
      // A range inside the data, and seek, keep the STs aligned with their samples.
      const q2 = s2.querier(15_000 * 101, 15_000 * 230);
      const set = q2.select([M('__name__', '=', 'st_delta')]);
      assert.equal(set.next(), true);
      const it = set.at().iterator();
      assert.equal(it.seek(15_000 * 200), true);
      assert.equal(it.atT(), 15_000 * 200);
      assert.equal(it.atST?.(), 15_000 * 200 - 60_000);
      q2.close();
      q.close();
      s2.close();
    });

    it('handles negative and large timestamps', async () => {
      const s = await opts.open();
      const l = L({ __name__: 't' });
      const ts = [-(2 ** 50), -5, 0, 7, 2 ** 40, 2 ** 53 - 1];
      const a = s.appender();
      ts.forEach((t, i) => a.append(0, l, t, i));
      a.commit();
      const s2 = opts.settle ? await opts.settle(s) : s;
      const q = s2.querier(-Infinity, Infinity);
      const set = q.select([M('__name__', '=', 't')]);
      assert.equal(set.next(), true);
      assert.deepEqual(drain(set.at().iterator()).map((x) => x[0]), ts);
      q.close();
      s2.close();
    });
  });
}
