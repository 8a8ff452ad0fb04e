/**
 * Grafana's Prometheus data source, replayed request by request (research/api-compat.md §1):
 * Save & test, Explore (range + instant, POST form bodies), the exemplar probe with millisecond
 * times, the metrics browser (labels, label values, series with limit, metadata), rules on
 * data-source init, and the POST→GET fallback paths. Every response shape is checked the way
 * Grafana's converter reads it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

let pl: PromliteProcess;
const now = Math.floor(Date.now() / 60000) * 60000;

before(async () => {
  pl = await startPromlite(['--web.enable-remote-write-receiver']);
  const samples = (f: (k: number) => number) => Array.from({ length: 40 }, (_, k) => [now - (39 - k) * 15000, f(k)] as [number, number]);
  const r = await pushSamples(pl.url, [
    { labels: { __name__: 'http_requests_total', job: 'web', instance: 'w1', code: '200' }, samples: samples((k) => k * 10) },
    { labels: { __name__: 'http_requests_total', job: 'web', instance: 'w1', code: '500' }, samples: samples((k) => k) },
    { labels: { __name__: 'node_load1', job: 'node', instance: 'n1' }, samples: samples((k) => 0.5 + (k % 5) / 10) },
  ]);
  assert.equal(r.status, 204);
});
after(async () => pl?.stop());

const form = (params: Record<string, string | string[]>) => {
  const b = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) b.append(k, x);
  return b;
};
const post = (path: string, params: Record<string, string | string[]>) =>
  fetch(`${pl.url}/${path}`, { method: 'POST', body: form(params), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const get = (path: string, params: Record<string, string | string[]> = {}) => fetch(`${pl.url}/${path}?${form(params)}`);

/** What Grafana's converter requires of a query response. */
function assertQueryShape(body: any, resultType: string) {
  assert.equal(body.status, 'success');
  assert.equal(body.data.resultType, resultType);
  const pairs = resultType === 'matrix' ? body.data.result.flatMap((s: any) => s.values) : body.data.result.map((s: any) => s.value);
  for (const [t, v] of pairs) {
    assert.equal(typeof t, 'number', 'timestamps are JSON numbers');
    assert.equal(typeof v, 'string', 'values are JSON strings');
    assert.ok(!Number.isNaN(Number.parseFloat(v)) || ['NaN', '+Inf', '-Inf'].includes(v));
  }
}

test('Save & test: POST query=1+1&time=4, then GET buildinfo', async () => {
  const res = await post('api/v1/query', { query: '1+1', time: '4' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
  const bi = await (await get('api/v1/status/buildinfo')).json();
  assert.equal(bi.status, 'success');
  for (const k of ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']) assert.equal(typeof bi.data[k], 'string', k);
  assert.match(bi.data.version, /^\d+\.\d+\.\d+/);
  assert.ok(!('features' in bi.data));
});

test('Explore: aligned range query with float step and timeout, unaligned instant query', async () => {
  const start = (now - 600_000) / 1000;
  const end = now / 1000;
  const range = await post('api/v1/query_range', { query: 'sum by (code) (rate(http_requests_total[1m]))', start: String(start), end: String(end), step: '15', timeout: '2m' });
  assert.equal(range.status, 200);
  const rb = await range.json();
  assertQueryShape(rb, 'matrix');
  assert.equal(rb.data.result.length, 2);
  const inst = await post('api/v1/query', { query: 'http_requests_total{code="500"}', time: String(end - 0.123), timeout: '2m' });
  const ib = await inst.json();
  assertQueryShape(ib, 'vector');
  assert.deepEqual(ib.data.result[0].metric, { __name__: 'http_requests_total', code: '500', instance: 'w1', job: 'web' });
  assert.equal(ib.data.result[0].value[0], end - 0.123);
});

test('the exemplar probe with millisecond start/end succeeds', async () => {
  const res = await get('api/v1/query_exemplars', { query: 'test', start: String(now - 3600_000), end: String(now) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'success', data: [] });
});

test('metrics browser: label names and values with limit, label keys and values for a selector, series, metadata', async () => {
  const t = { start: String((now - 3600_000) / 1000), end: String(now / 1000) };
  const names = await (await get('api/v1/label/__name__/values', { ...t, limit: '40000' })).json();
  assert.deepEqual(names, { status: 'success', data: ['http_requests_total', 'node_load1'] });
  const labels = await (await get('api/v1/labels', { ...t, limit: '40000' })).json();
  assert.deepEqual(labels.data, ['__name__', 'code', 'instance', 'job']);
  const keys = await (await post('api/v1/labels', { 'match[]': 'node_load1', ...t, limit: '40000' })).json();
  assert.deepEqual(keys.data, ['__name__', 'instance', 'job']);
  const vals = await (await get('api/v1/label/code/values', { 'match[]': 'http_requests_total{job="web"}', ...t, limit: '40000' })).json();
  assert.deepEqual(vals.data, ['200', '500']);
  const series = await (await post('api/v1/series', { 'match[]': '{__name__!=""}', ...t, limit: '2' })).json();
  assert.equal(series.status, 'success');
  assert.equal(series.data.length, 2);
  const limited = await (await get('api/v1/label/__name__/values', { limit: '1' })).json();
  assert.deepEqual(limited.data, ['http_requests_total']);
  assert.deepEqual(limited.warnings, ['results truncated due to limit']);
  const md = await (await get('api/v1/metadata')).json();
  assert.equal(md.status, 'success');
  assert.equal(typeof md.data, 'object');
});

test('data-source init reads /api/v1/rules', async () => {
  const rules = await (await get('api/v1/rules')).json();
  assert.equal(rules.status, 'success');
  assert.ok(Array.isArray(rules.data.groups));
});

test('POST-then-GET fallback: label values are GET-only (405 on POST, as Prometheus)', async () => {
  const res = await post('api/v1/label/job/values', {});
  assert.equal(res.status, 405);
  const g = await (await get('api/v1/label/job/values')).json();
  assert.deepEqual(g.data, ['node', 'web']);
});

test('errors Grafana shows: bad query is 400 bad_data with position, bad step 400', async () => {
  const bad = await post('api/v1/query', { query: 'sum(rate(x[5m])' });
  assert.equal(bad.status, 400);
  const bb = await bad.json();
  assert.equal(bb.errorType, 'bad_data');
  assert.match(bb.error, /^invalid parameter "query": 1:\d+: parse error: /);
  const step = await get('api/v1/query_range', { query: 'up', start: '0', end: '100', step: '0' });
  assert.equal(step.status, 400);
  const tooMany = await (await get('api/v1/query_range', { query: 'up', start: '0', end: '100000', step: '1' })).json();
  assert.equal(tooMany.error, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
});
