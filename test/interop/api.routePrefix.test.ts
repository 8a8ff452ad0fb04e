/**
 * Serving under a path prefix, against the real Prometheus 2.42 started with the same flags:
 * `--web.external-url=http://127.0.0.1:PORT/prom/` (the route prefix defaults to its path) and
 * `--web.route-prefix=/x` alone. Every endpoint must answer under the prefix and nowhere else,
 * `/` and the bare prefix redirect as Prometheus's do, and generated links (alert
 * generatorURL, the flags API) carry the external URL. Prometheus itself sends its alerts to
 * promlite's Alertmanager API under the prefix (`path_prefix: /prom`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { eventually, startPrometheusPeer, type PrometheusPeer } from '../support/prometheusPeer.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

let dir: string;
/** Both with --web.external-url=http://127.0.0.1:<own port>/prom/. */
let pl: PromliteProcess;
let prom: PrometheusPeer;
/** Both with --web.route-prefix=/x and no external URL. */
let plX: PromliteProcess;
let promX: PrometheusPeer;

const rules = (name: string) => `groups:\n  - name: g\n    rules:\n      - alert: ${name}\n        expr: vector(1)\n`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promlite-prefix-'));
  const [port, pport] = [await freePort(), await freePort()];
  const promDir = mkdtempSync(join(tmpdir(), 'promlite-prefix-peer-'));
  writeFileSync(join(promDir, 'rules.yml'), rules('PrometheusAlert'));
  writeFileSync(join(dir, 'promlite-rules.yml'), rules('PromliteAlert'));
  writeFileSync(join(dir, 'promlite.yml'), `global: { evaluation_interval: 1s }\nrule_files: ['${join(dir, 'promlite-rules.yml')}']\n`);
  const ext = (p: number) => `--web.external-url=http://127.0.0.1:${p}/prom/`;
  [pl, prom, plX, promX] = await Promise.all([
    startPromlite([`--config.file=${join(dir, 'promlite.yml')}`, ext(port), '--web.enable-lifecycle', '--web.enable-remote-write-receiver'], { port }),
    startPrometheusPeer({
      // Prometheus's alerts go to promlite's Alertmanager API v2, under promlite's prefix.
      config: `global: { evaluation_interval: 1s }\nrule_files: [rules.yml]\nalerting:\n  alertmanagers:\n    - path_prefix: /prom\n      static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
      // Its first send can precede Alertmanager discovery; resend every evaluation, not every minute.
      args: [ext(pport), '--web.enable-lifecycle', '--rules.alert.resend-delay=1s'],
      port: pport,
      dir: promDir,
    }),
    startPromlite(['--web.route-prefix=/x']),
    startPrometheusPeer({ config: 'global: {}\n', args: ['--web.route-prefix=/x'] }),
  ]);
});

after(async () => {
  await Promise.all([pl?.stop(), prom?.stop(), plX?.stop(), promX?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Status and Location of one request, redirects not followed. */
async function probe(base: string, method: string, path: string): Promise<{ status: number; location: string | null }> {
  const r = await fetch(base + path, { method, redirect: 'manual' });
  await r.arrayBuffer();
  return { status: r.status, location: r.headers.get('location') };
}

/**
 * Compares status codes (and Location where given) of promlite and Prometheus for each
 * request. Bodies differ where they are not the API (404 pages, the UI).
 */
async function assertSameAnswers(a: string, b: string, table: Array<[method: string, path: string, compareLocation?: boolean]>) {
  for (const [method, path, compareLocation] of table) {
    const [ours, theirs] = await Promise.all([probe(a, method, path), probe(b, method, path)]);
    assert.equal(ours.status, theirs.status, `${method} ${path}: promlite ${ours.status}, Prometheus ${theirs.status}`);
    if (compareLocation) assert.equal(ours.location, theirs.location, `${method} ${path}: Location`);
  }
}

test('--web.external-url with a path: every endpoint answers under it, as in Prometheus', async () => {
  await assertSameAnswers(pl.url, prom.url, [
    ['GET', '/', true],
    ['GET', '/prom', true],
    ['GET', '/prom?a=1', true],
    ['GET', '/prom/'],
    ['GET', '/prom/metrics'],
    ['GET', '/prom/-/ready'],
    ['GET', '/prom/-/healthy'],
    ['HEAD', '/prom/-/ready'],
    ['GET', '/prom/api/v1/query?query=1'],
    ['POST', '/prom/api/v1/query?query=1'],
    ['GET', '/prom/api/v1/status/buildinfo'],
    ['GET', '/prom/api/v1/labels'],
    ['GET', '/prom/api/v1/rules'],
    ['GET', '/prom/federate?match[]=up'],
    ['GET', '/prom/version'],
    ['POST', '/prom/-/reload'],
    ['GET', '/metrics'],
    ['GET', '/-/ready'],
    ['GET', '/-/healthy'],
    ['GET', '/api/v1/query?query=1'],
    ['GET', '/federate'],
    ['POST', '/-/reload'],
    ['GET', '/promx'],
  ]);
  // promlite's own additions live under the prefix too.
  assert.equal((await probe(pl.url, 'GET', '/prom/api/v2/status')).status, 200);
  assert.equal((await probe(pl.url, 'GET', '/api/v2/status')).status, 404);
  const push = await pushSamples(`${pl.url}/prom`, [{ labels: { __name__: 'prefixed_push', a: 'b' }, samples: [[Date.now(), 7]] }]);
  assert.equal(push.status, 204);
  assert.equal((await pushSamples(pl.url, [])).status, 404);
});

test('the flags API shows the route prefix Prometheus derives from the external URL', async () => {
  for (const [a, b] of [[`${pl.url}/prom`, `${prom.url}/prom`], [`${plX.url}/x`, `${promX.url}/x`]]) {
    const [ours, theirs] = await Promise.all([a, b].map(async (u) => (await (await fetch(`${u}/api/v1/status/flags`)).json()).data));
    assert.equal(ours['web.route-prefix'], theirs['web.route-prefix']);
    assert.equal(ours['web.external-url'].replace(/:\d+\//, ':P/'), theirs['web.external-url'].replace(/:\d+\//, ':P/'));
  }
});

test('the UI loads at /prom/: redirects from /, relative assets resolve under the prefix', async () => {
  const page = await fetch(`${pl.url}/`);
  assert.equal(page.url, `${pl.url}/prom/query`);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, page.url).href);
  assert.deepEqual(refs.sort(), [`${pl.url}/prom/static/app.css`, `${pl.url}/prom/static/app.js`]);
  for (const ref of refs) {
    const r = await fetch(ref);
    assert.equal(r.status, 200, ref);
    assert.match(r.headers.get('content-type') ?? '', /^text\/(css|javascript)/, ref);
  }
  // A page URL with a trailing slash would resolve `static/` one level too deep: redirected.
  const slash = await fetch(`${pl.url}/prom/graph/?g0.expr=up`);
  assert.equal(slash.url, `${pl.url}/prom/graph?g0.expr=up`);
});

test('alert generatorURL carries the external URL, as Prometheus sends it', async () => {
  // promlite receives both: its own rule's alert in-process, Prometheus's over HTTP.
  const alerts = await eventually(async () => {
    const all = (await (await fetch(`${pl.url}/prom/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; generatorURL: string }>;
    const byName = new Map(all.map((a) => [a.labels.alertname, a.generatorURL]));
    return byName.has('PromliteAlert') && byName.has('PrometheusAlert') ? byName : null;
  }, 'both alerts at promlite', 20_000);
  assert.equal(alerts.get('PromliteAlert'), `${pl.url}/prom/graph?g0.expr=vector%281%29&g0.tab=1`);
  assert.equal(alerts.get('PrometheusAlert'), `${prom.url}/prom/graph?g0.expr=vector%281%29&g0.tab=1`);
  // The link opens promlite's query page.
  const link = await fetch(alerts.get('PromliteAlert')!);
  assert.equal(link.status, 200);
  assert.match(await link.text(), /static\/app\.js/);
});

test('Grafana: a Prometheus data source URL with a path (http://host:port/prom)', async () => {
  const ds = `${pl.url}/prom`;
  const form = (p: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(p), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  // Save & test.
  const test1 = await fetch(`${ds}/api/v1/query`, form({ query: '1+1', time: '4' }));
  assert.deepEqual(await test1.json(), { status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
  assert.equal((await (await fetch(`${ds}/api/v1/status/buildinfo`)).json()).status, 'success');
  // Explore and the metrics browser.
  const now = Math.floor(Date.now() / 1000);
  await pushSamples(ds, [{ labels: { __name__: 'grafana_prefixed', job: 'j' }, samples: [[now * 1000 - 1000, 3]] }]);
  const range = await (await fetch(`${ds}/api/v1/query_range`, form({ query: 'grafana_prefixed', start: String(now - 60), end: String(now), step: '15' }))).json();
  assert.equal(range.data.resultType, 'matrix');
  assert.deepEqual(range.data.result[0].metric, { __name__: 'grafana_prefixed', job: 'j' });
  const names = await (await fetch(`${ds}/api/v1/label/__name__/values`)).json();
  assert.ok(names.data.includes('grafana_prefixed'));
  const series = await (await fetch(`${ds}/api/v1/series`, form({ 'match[]': 'grafana_prefixed', start: String(now - 60), end: String(now) }))).json();
  assert.equal(series.data.length, 1);
});

test('--web.route-prefix=/x without an external URL: routes move to /x, as in Prometheus', async () => {
  await assertSameAnswers(plX.url, promX.url, [
    ['GET', '/', true],
    ['GET', '/x', true],
    ['GET', '/x/'],
    ['GET', '/x/metrics'],
    ['GET', '/x/-/ready'],
    ['GET', '/x/-/healthy'],
    ['GET', '/x/api/v1/query?query=1'],
    ['GET', '/x/federate?match[]=up'],
    ['GET', '/metrics'],
    ['GET', '/-/ready'],
    ['GET', '/api/v1/query?query=1'],
  ]);
  // Prometheus sends /x/ to its external URL's path (/classic/graph, not served here);
  // promlite's relative redirect stays under the prefix.
  const page = await fetch(`${plX.url}/`);
  assert.equal(page.url, `${plX.url}/x/query`);
  assert.equal(page.status, 200);
});
