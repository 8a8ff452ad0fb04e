/**
 * Real clients against promlite's HTTP API: promtool query commands, the prometheus-query npm
 * client, and Prometheus 2.42 federating and remote-reading from promlite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PrometheusDriver } from 'prometheus-query';
import { startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { promQuery, startPrometheusPeer } from '../support/prometheusPeer.ts';
import { requireBinary } from '../support/tools.ts';
import { eventually } from '../support/wait.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

let pl: PromliteProcess;
const now = Math.floor(Date.now() / 15000) * 15000;
const T = (k: number) => now - (10 - k) * 15000; // ten points, the last at `now`

before(async () => {
  pl = await startPromlite(['--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=30d']);
  const res = await pushSamples(pl.url, [
    { labels: { __name__: 'interop_requests_total', job: 'api', instance: 'a:1' }, samples: Array.from({ length: 10 }, (_, k) => [T(k), 100 + 10 * k]) },
    { labels: { __name__: 'interop_requests_total', job: 'api', instance: 'b:1' }, samples: Array.from({ length: 10 }, (_, k) => [T(k), 5 * k]) },
    { labels: { __name__: 'interop_temperature', job: 'sensors', room: 'lab' }, samples: Array.from({ length: 10 }, (_, k) => [T(k), 20.5 + k / 4]) },
  ]);
  assert.equal(res.status, 204);
});

after(async () => {
  await pl?.stop();
});

function promtool(...args: string[]): string {
  requireBinary('promtool');
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, `promtool ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('promtool query instant returns what promlite stored', () => {
  const out = promtool('query', 'instant', `--time=${T(9) / 1000}`, pl.url, 'interop_requests_total');
  assert.match(out, /interop_requests_total\{instance="a:1", job="api"\} => 190 @\[/);
  assert.match(out, /interop_requests_total\{instance="b:1", job="api"\} => 45 @\[/);
});

test('promtool query range returns every step', () => {
  const out = promtool('query', 'range', `--start=${T(0) / 1000}`, `--end=${T(9) / 1000}`, '--step=15s', pl.url, 'interop_temperature');
  for (let k = 0; k < 10; k++) assert.ok(out.includes(`${20.5 + k / 4} @[${T(k) / 1000}]`), `point ${k} in\n${out}`);
});

test('promtool query series and labels', () => {
  const series = promtool('query', 'series', '--match=interop_requests_total', pl.url);
  assert.match(series, /instance="a:1"/);
  assert.match(series, /instance="b:1"/);
  const labels = promtool('query', 'labels', pl.url, 'job');
  assert.ok(labels.split('\n').includes('api'));
  assert.ok(labels.split('\n').includes('sensors'));
});

test('the prometheus-query npm client runs its queries against promlite', async () => {
  const prom = new PrometheusDriver({ endpoint: pl.url, baseURL: '/api/v1' });
  const inst = await prom.instantQuery('sum by (job) (interop_requests_total)', new Date(T(9)));
  assert.equal(inst.result.length, 1);
  assert.equal(inst.result[0].value.value, 235);
  const range = await prom.rangeQuery('interop_temperature', new Date(T(0)), new Date(T(9)), 15);
  assert.equal(range.result[0].values.length, 10);
  const series = await prom.series('interop_temperature', new Date(T(0)), new Date(T(9)));
  assert.equal(series.length, 1);
  const names = await prom.labelNames();
  assert.ok(names.includes('room'));
  const values = await prom.labelValues('job');
  assert.deepEqual(values, ['api', 'sensors']);
});

test('Prometheus 2.42 federates from /federate and remote-reads from /api/v1/read', async () => {
  const host = `127.0.0.1:${pl.port}`;
  const peer = await startPrometheusPeer({
    config: `
global: { scrape_interval: 1s, external_labels: { peer: b } }
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params: { 'match[]': ['{__name__="interop_temperature"}'] }
    static_configs: [{ targets: ['${host}'] }]
remote_read:
  - url: http://${host}/api/v1/read
    read_recent: true
    # The peer's external label must not become a matcher on promlite's series.
    filter_external_labels: false
`,
  });
  try {
    // Federation: the newest sample, with the original labels (honor_labels).
    const fed = await eventually(async () => {
      const r = await promQuery(peer.url, 'interop_temperature{job="sensors"}');
      return r.length > 0 ? r : null;
    }, 'federated series');
    assert.equal(fed[0].metric.room, 'lab');
    assert.equal(fed[0].value[1], '22.75');
    // Remote read: a series only promlite has, at a past time.
    const rr = await promQuery(peer.url, 'interop_requests_total{instance="b:1"}', T(5) / 1000);
    assert.equal(rr.length, 1);
    assert.equal(rr[0].value[1], '25');
  } finally {
    await peer.stop();
  }
});
