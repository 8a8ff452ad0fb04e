/**
 * End to end through the running server: promlite and Prometheus 2.42 scrape the same target
 * and evaluate the same alerting rule; both fire the same alert. promlite forwards it to a real
 * Alertmanager 0.25 (checked with amtool) and routes it through its built-in notifier to a
 * webhook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPromlite } from '../support/promliteProcess.ts';
import { startPrometheusPeer } from '../support/prometheusPeer.ts';
import { amtoolAlerts, startAlertmanager } from '../support/alertmanagerPeer.ts';
import { listenLocal } from '../support/httpSink.ts';
import { requireBinary } from '../support/tools.ts';
import { eventually } from '../support/wait.ts';

const RULES = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: HighTemperature
        expr: room_temperature_celsius > 30
        for: 2s
        labels: { severity: page }
        annotations:
          summary: 'Room {{ $labels.room }} is at {{ $value }}°C'
      - record: room:temperature:max
        expr: max(room_temperature_celsius)
`;

test('promlite and Prometheus fire the same alert; promlite forwards it to Alertmanager and routes it to a webhook', async () => {
  requireBinary('amtool');
  const target = await listenLocal((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('# TYPE room_temperature_celsius gauge\nroom_temperature_celsius{room="lab"} 35\nroom_temperature_celsius{room="office"} 21\n');
  });
  const hooks: any[] = [];
  const webhook = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  const am = await startAlertmanager(`route: { receiver: 'null', group_wait: 0s }\nreceivers: [{ name: 'null' }]\n`, 'http://am.test');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-e2e-'));
  const targetHost = target.url.replace('http://', '');
  const amHost = am.url.replace('http://', '');
  const scrape = `
global: { scrape_interval: 1s, evaluation_interval: 1s, external_labels: { source: SOURCE } }
rule_files: ['${join(dir, 'rules.yml')}']
scrape_configs:
  - job_name: rooms
    static_configs: [{ targets: ['${targetHost}'] }]
`;
  writeFileSync(join(dir, 'rules.yml'), RULES);
  writeFileSync(join(dir, 'promlite.yml'), scrape.replace('SOURCE', 'promlite') + `alerting:\n  alertmanagers: [{ static_configs: [{ targets: ['${amHost}'] }] }]\n`);
  writeFileSync(
    join(dir, 'notifier.yml'),
    `route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 1s\nreceivers:\n  - name: hook\n    webhook_configs: [{ url: '${webhook.url}/hook' }]\n`,
  );
  const pl = await startPromlite([`--config.file=${join(dir, 'promlite.yml')}`, `--notifier.config.file=${join(dir, 'notifier.yml')}`, '--rules.alert.resend-delay=1s']);
  const prom = await startPrometheusPeer({ config: scrape.replace('SOURCE', 'prometheus') });
  try {
    const firing = async (url: string) => {
      const body = await (await fetch(`${url}/api/v1/alerts`)).json();
      const a = body.data.alerts.filter((x: any) => x.state === 'firing');
      return a.length ? a : null;
    };
    const mine = await eventually(() => firing(pl.url), 'promlite alert firing', 30_000);
    const theirs = await eventually(() => firing(prom.url), 'Prometheus alert firing', 30_000);
    const strip = (a: any) => ({ labels: a.labels, annotations: a.annotations, state: a.state, value: a.value });
    assert.deepEqual(mine.map(strip), theirs.map(strip));
    assert.equal(mine[0].annotations.summary, 'Room lab is at 35°C');

    // The recording rule wrote its series back into storage.
    const rec = await (await fetch(`${pl.url}/api/v1/query?query=room:temperature:max`)).json();
    assert.equal(rec.data.result[0].value[1], '35');

    // Forwarded to the real Alertmanager, with external labels; amtool sees it.
    await eventually(async () => {
      const alerts = amtoolAlerts(am.url, 'alertname=HighTemperature');
      return alerts.some((a: any) => a.labels.source === 'promlite' && a.labels.room === 'lab');
    }, 'amtool alert query shows promlite alert', 30_000);

    // Routed by the built-in notifier to the webhook, in Alertmanager's payload format.
    const hook = await eventually(async () => hooks.find((h) => h.status === 'firing'), 'webhook notification', 30_000);
    assert.equal(hook.version, '4');
    assert.equal(hook.receiver, 'hook');
    assert.equal(hook.commonLabels.alertname, 'HighTemperature');
    assert.equal(hook.commonLabels.source, 'promlite');
    assert.match(hook.alerts[0].generatorURL, /\/graph\?g0\.expr=/);
  } finally {
    await pl.stop();
    await prom.stop();
    await am.stop();
    await target.close();
    await webhook.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
