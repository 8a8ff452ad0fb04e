// Prometheus 2.42 configured with promlite as its Alertmanager: the alerts it sends to
// POST /api/v2/alerts are routed by promlite and arrive at a webhook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpSink, serveAlertmanagerApi } from '../integration/notify/harness.ts';
import { startPrometheusPeer, type PrometheusPeer } from '../support/prometheusPeer.ts';
import { eventually } from '../support/wait.ts';

test('Prometheus 2.42 delivers alerts that promlite routes', { timeout: 60_000 }, async () => {
  const sink = new HttpSink();
  const hook = await sink.start();
  const api = await serveAlertmanagerApi(
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
    'http://promlite.test',
  );
  const dir = mkdtempSync(join(tmpdir(), 'promlite-prom-'));
  let prom: PrometheusPeer | undefined;
  try {
    writeFileSync(join(dir, 'rules.yml'), `groups:\n- name: g\n  interval: 1s\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n    labels: {severity: page}\n    annotations: {summary: 'always {{ $value }}'}\n`);
    prom = await startPrometheusPeer({
      dir,
      config: `global:\n  evaluation_interval: 1s\n  external_labels: {replica: a}\nrule_files: [rules.yml]\nalerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:${api.port}']\n`,
      args: ['--rules.alert.resend-delay=1s'],
    });
    await eventually(() => sink.received.length > 0, 'the webhook to get the alert', 45_000, 200);
    assert.equal(sink.received.length, 1, 'the webhook got the alert');
    const body = sink.received[0].body;
    assert.equal(body.receiver, 'pager');
    assert.deepEqual(body.alerts[0].labels, { alertname: 'AlwaysFiring', replica: 'a', severity: 'page' });
    assert.equal(body.alerts[0].annotations.summary, 'always 1');
    assert.match(body.alerts[0].generatorURL, /\/graph\?g0\.expr=vector%281%29/);
    assert.equal(body.alerts[0].fingerprint, 'aad2b99051fadecf', 'same fingerprint as Alertmanager shows for these labels');
    const listed = api.notifier.activeAlerts();
    assert.equal(listed.length, 1);
    assert.ok(listed[0].endsAt > Date.now(), 'Prometheus sets endsAt (valid-until) in the future');
  } finally {
    await prom?.stop();
    await api.close();
    await sink.stop();
  }
});
