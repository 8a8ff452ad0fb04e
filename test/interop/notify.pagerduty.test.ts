// PagerDuty events sent by promlite compared with what the real Alertmanager 0.25 (Debian
// prometheus-alertmanager) sends for the same config and alerts, firing and resolved.
// v2 goes to `url` (a local server). Alertmanager always posts v1 events to events.pagerduty.com,
// so for v1 it is given a local proxy (http_config.proxy_url) that terminates the TLS tunnel with
// a throwaway certificate and records the request: no traffic leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { HttpSink, makeHarness, type Received } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { alertmanagerDelivers, promliteDelivers, type ApiAlert } from './alertmanagerOracle.ts';
import { requireBinary } from '../support/tools.ts';
import { eventually } from '../support/wait.ts';

const EXTERNAL_URL = 'http://promlite.test:9090'; // what makeHarness uses; Alertmanager gets the same
const dir = mkdtempSync(join(tmpdir(), 'promlite-pd-interop-'));
const amSide = HttpSink.aroundTests();
const plSide = HttpSink.aroundTests();
for (const side of [amSide, plSide]) {
  side.status = () => 202;
  side.replyBody = () => '{"status":"success","message":"Event processed","dedup_key":"x"}';
}

/** Alertmanager's side also takes CONNECT tunnels and terminates their TLS with a throwaway certificate. */
before(async () => {
  requireBinary('openssl');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=events.pagerduty.com'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate:\n${made.stderr}`);
  const tlsInner = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => amSide.server.emit('request', req, res));
  await amSide.start(); // top-level hooks do not wait for each other
  amSide.server.on('connect', (_req, socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    tlsInner.emit('connection', socket);
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The last event per path and event kind (Alertmanager may flush a group twice). */
function lastEvents(side: HttpSink): Map<string, Received> {
  const out = new Map<string, Received>();
  for (const r of side.received) out.set(`${r.path} ${r.body.event_action || r.body.event_type}`, r);
  return out;
}

const V1_PATH = '/generic/2010-04-15/create_event.json';

function config(side: 'am' | 'pl'): string {
  const base = side === 'am' ? amSide.url : plSide.url;
  const v1Target = side === 'am' ? `http_config: {proxy_url: '${amSide.url}', tls_config: {insecure_skip_verify: true}}` : `url: '${plSide.url}${V1_PATH}'`;
  return `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  routes:
  - matchers: [team="db"]
    receiver: pd
receivers:
- name: default
- name: pd
  pagerduty_configs:
  - routing_key: 'rk-{{ .CommonLabels.team }}'
    url: ${base}/v2/enqueue
  - routing_key: rk2
    url: ${base}/v2/custom
    client: 'promlite {{ .Receiver }}'
    client_url: ''
    source: ''
    severity: '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}'
    class: disk
    component: '{{ .CommonLabels.team }}'
    group: ''
    description: '{{ .CommonAnnotations.summary }} {{ .CommonAnnotations.long }}'
    details:
      firing: 'overridden: {{ len .Alerts.Firing }}'
      team: '{{ .CommonLabels.team }} <&>'
    images:
    - src: '{{ .ExternalURL }}/graph.png'
      alt: graph
    - alt: dropped, no src
    links:
    - href: '{{ (index .Alerts 0).GeneratorURL }}'
      text: source
    - text: dropped, no href
  - service_key: 'sk-{{ .CommonLabels.team }}'
    ${v1Target}
`;
}

function assertSameEvents(kind: string): void {
  const am = lastEvents(amSide);
  const pl = lastEvents(plSide);
  assert.deepEqual([...pl.keys()].sort(), [...am.keys()].sort(), `${kind}: the same events`);
  for (const [key, a] of am) {
    const p = pl.get(key)!;
    assert.deepEqual(p.body, a.body, `${kind} ${key}`);
    assert.equal(p.headers['content-type'], a.headers['content-type']);
  }
}

test('PagerDuty v2 and v1 events match Alertmanager 0.25 (trigger, then resolve)', async () => {
  const am = await startAlertmanager(config('am'), EXTERNAL_URL);
  try {
    const now = Date.now();
    const startsAt = new Date(now - 60_000).toISOString();
    const endsAt = new Date(now + 3_600_000).toISOString();
    const gen = 'http://prom:9090/graph?g0.expr=up%3D%3D0&g0.tab=1';
    const firing: ApiAlert[] = [
      { labels: { alertname: 'DiskFull', team: 'db', severity: 'page', instance: 'a<1>' }, annotations: { summary: 'disk & more', long: 'ü'.repeat(1100) }, startsAt, endsAt, generatorURL: gen },
      { labels: { alertname: 'DiskFull', team: 'db', severity: 'page', instance: 'b' }, annotations: { summary: 'disk & more', long: 'ü'.repeat(1100) }, startsAt, endsAt, generatorURL: gen },
    ];
    const h = makeHarness(config('pl'), { clock: new ManualClock(now) });
    await alertmanagerDelivers(am, firing, () => amSide.received.length, 3);
    await promliteDelivers(h, firing);

    // The v1 event really went to PagerDuty's v1 endpoint (through the proxy).
    const v1 = amSide.received.find((r) => r.path === V1_PATH)!;
    assert.equal(v1.headers.host, 'events.pagerduty.com');
    assert.equal(lastEvents(amSide).get('/v2/custom trigger')!.body.payload.summary.length, 1024, 'summary truncated');
    assertSameEvents('trigger');

    amSide.clear();
    plSide.clear();
    const resolved = firing.map((a) => ({ ...a, endsAt: new Date(now - 1000).toISOString() }));
    await alertmanagerDelivers(am, resolved, () => amSide.received.length, 3);
    await promliteDelivers(h, resolved);
    assert.ok([...lastEvents(amSide).keys()].every((k) => k.endsWith(' resolve')));
    assertSameEvents('resolve');
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});

test('PagerDuty: details of an event over 512KB are replaced as Alertmanager 0.25 does', async () => {
  amSide.clear();
  plSide.clear();
  const cfg = (base: string) => `route: {receiver: pd, group_by: [alertname], group_wait: 1s, group_interval: 1s}
receivers:
- name: pd
  pagerduty_configs:
  - routing_key: rk
    url: ${base}/v2/enqueue
`;
  const am = await startAlertmanager(cfg(amSide.url), EXTERNAL_URL);
  try {
    const now = Date.now();
    const alert = { labels: { alertname: 'Huge' }, annotations: { big: 'y'.repeat(300_000) + '<'.repeat(40_000) }, startsAt: new Date(now - 1000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), generatorURL: '' };
    await am.postAlerts([alert]);
    await eventually(() => amSide.received.length >= 1, 'Alertmanager to send 1 event', 8000, 50);
    const h = makeHarness(cfg(plSide.url), { clock: new ManualClock(now) });
    h.push({ labels: alert.labels, annotations: alert.annotations, startsAt: now - 1000, endsAt: now + 3_600_000 });
    await h.scheduler.advance(1000);
    assert.deepEqual(plSide.received[0].body, amSide.received[0].body);
    assert.deepEqual(Object.keys(amSide.received[0].body.payload.custom_details), ['error']);
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
