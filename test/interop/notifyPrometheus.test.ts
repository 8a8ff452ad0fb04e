// Prometheus 2.42 configured with promlite as its Alertmanager: the alerts it sends to
// POST /api/v2/alerts are routed by promlite and arrive at a webhook.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pino from 'pino';
import alertmanagerV2Routes from '../../src/api/alertmanagerV2/index.ts';
import { parseAlertmanagerConfig } from '../../src/config/alertmanagerConfig.ts';
import { createNotifier } from '../../src/notify/notifier.ts';
import { HttpSink } from '../integration/notify/harness.ts';
import { freePort } from '../integration/notify/alertmanagerOracle.ts';

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'promlite-prom-'));
let child: ChildProcess | undefined;
after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('Prometheus 2.42 delivers alerts that promlite routes', { skip: !hasPrometheus && 'prometheus not installed', timeout: 60_000 }, async () => {
  const sink = new HttpSink();
  const hook = await sink.start();
  const notifier = createNotifier({ db: new Database(':memory:'), logger: pino({ level: 'silent' }), externalURL: 'http://promlite.test' });
  notifier.applyConfig(
    parseAlertmanagerConfig(
      `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 0s
  routes:
  - matchers: [severity="page"]
    receiver: pager
receivers:
- name: default
- name: pager
  webhook_configs: [{url: "${hook}/pager"}]
`,
      'am.yml',
    ),
  );
  const app = Fastify();
  await app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const amPort = (app.server.address() as AddressInfo).port;
  try {
    writeFileSync(join(dir, 'rules.yml'), `groups:\n- name: g\n  interval: 1s\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n    labels: {severity: page}\n    annotations: {summary: 'always {{ $value }}'}\n`);
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  evaluation_interval: 1s\n  external_labels: {replica: a}\nrule_files: [rules.yml]\nalerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:${amPort}']\n`);
    const promPort = await freePort();
    child = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s'], { stdio: 'ignore' });
    const end = Date.now() + 45_000;
    while (sink.received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.received.length, 1, 'the webhook got the alert');
    const body = sink.received[0].body;
    assert.equal(body.receiver, 'pager');
    assert.deepEqual(body.alerts[0].labels, { alertname: 'AlwaysFiring', replica: 'a', severity: 'page' });
    assert.equal(body.alerts[0].annotations.summary, 'always 1');
    assert.match(body.alerts[0].generatorURL, /\/graph\?g0\.expr=vector%281%29/);
    assert.equal(body.alerts[0].fingerprint, 'aad2b99051fadecf', 'same fingerprint as Alertmanager shows for these labels');
    const listed = notifier.activeAlerts();
    assert.equal(listed.length, 1);
    assert.ok(listed[0].endsAt > Date.now(), 'Prometheus sets endsAt (valid-until) in the future');
  } finally {
    child?.kill('SIGTERM');
    notifier.stop();
    await app.close();
    await sink.stop();
  }
});
