/**
 * End to end: promlite's rule manager evaluates an alerting rule with the real PromQL engine
 * and forwards the alert to a real Alertmanager 0.25 (Debian prometheus-alertmanager), checked
 * with `amtool alert query`; then the alert resolves and Alertmanager drops it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../src/promql/engine.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { DEFAULT_HTTP_CLIENT } from '../../../src/config/httpClientConfig.ts';
import { RuleManager } from '../../../src/rules/ruleManager.ts';
import { promliteRuleSyntax } from '../../../src/rules/ruleSyntax.ts';
import { engineQueryFn } from '../../../src/rules/engineQueryFn.ts';
import { sendAlerts } from '../../../src/rules/sendAlerts.ts';
import { AlertmanagerSender } from '../../../src/rules/alertmanagerSender.ts';
import { amtoolAlerts, startAlertmanager } from '../../support/alertmanagerPeer.ts';
import { requireBinary } from '../../support/tools.ts';
import { eventually } from '../../support/wait.ts';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

test('alerts reach a real Alertmanager and resolve there', { timeout: 30_000 }, async () => {
  requireBinary('amtool');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-rules-am-'));
  writeFileSync(
    join(dir, 'rules.yml'),
    [
      'groups:',
      '- name: e2e',
      '  interval: 1s',
      '  rules:',
      '  - alert: ServiceDown',
      '    expr: up{job="ecommerce-api"} == 0',
      '    labels:',
      '      severity: critical',
      '    annotations:',
      '      summary: "{{ $labels.instance }} of {{ $labels.job }} is down"',
      '',
    ].join('\n'),
  );
  const am = await startAlertmanager('route:\n  receiver: blackhole\n  group_wait: 1s\n  group_interval: 1s\nreceivers:\n- name: blackhole\n');
  const storage = new MemoryStorage();
  const sender = new AlertmanagerSender();
  const mgr = new RuleManager({
    queryFn: engineQueryFn(new Engine(), storage),
    notifyFn: sendAlerts((alerts) => sender.send(alerts), 'http://promlite.example:9090'),
    appendable: storage,
    queryable: storage,
    syntax: promliteRuleSyntax,
    resendDelay: 1000,
  });
  after(async () => {
    await mgr.stop();
    sender.stop();
    await am.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  sender.applyConfig(
    {
      alertRelabelConfigs: [],
      alertmanagers: [
        {
          scheme: 'http',
          pathPrefix: '',
          timeoutMs: 2000,
          apiVersion: 'v2',
          http: DEFAULT_HTTP_CLIENT,
          serviceDiscovery: [{ kind: 'static', groups: [{ source: '0', targets: [Labels.fromObject({ __address__: `127.0.0.1:${am.port}` })], labels: Labels.EMPTY }] }],
          relabelConfigs: [],
          alertRelabelConfigs: [],
          line: 1,
        },
      ],
    },
    { replica: 'a' },
  );

  const target = Labels.fromObject({ __name__: 'up', job: 'ecommerce-api', instance: 'api-1:8080' });
  const scrape = (v: number) => {
    const app = storage.appender();
    app.append(0, target, Date.now(), v);
    app.commit();
  };
  let down = true;
  scrape(0);
  const timer = setInterval(() => scrape(down ? 0 : 1), 250);
  after(() => clearInterval(timer));

  await mgr.update({ ruleFiles: ['rules.yml'], baseDir: dir });
  mgr.run();

  const amtool = (): AmAlert[] => amtoolAlerts(am.url);

  const [alert] = await eventually(() => {
    const got = amtool();
    return got.length > 0 ? got : undefined;
  }, 'the alert in Alertmanager', 8000, 200);
  assert.deepEqual(alert.labels, { alertname: 'ServiceDown', instance: 'api-1:8080', job: 'ecommerce-api', replica: 'a', severity: 'critical' });
  assert.deepEqual(alert.annotations, { summary: 'api-1:8080 of ecommerce-api is down' });
  assert.equal(alert.generatorURL, 'http://promlite.example:9090/graph?g0.expr=up%7Bjob%3D%22ecommerce-api%22%7D+%3D%3D+0&g0.tab=1');
  assert.equal(alert.status.state, 'active');
  // endsAt = last send + 4 × max(interval 1s, resend delay 1s).
  const validFor = Date.parse(alert.endsAt) - Date.now();
  assert.ok(validFor > 0 && validFor <= 4000, `endsAt ${alert.endsAt} is within 4s`);
  // The amtool text table lists it too.
  assert.match(execFileSync('amtool', ['alert', 'query', `--alertmanager.url=${am.url}`], { encoding: 'utf8' }), /ServiceDown .* api-1:8080 of ecommerce-api is down/);

  // Recovery: the resolved alert is sent with endsAt = resolve time, Alertmanager drops it.
  down = false;
  await eventually(() => amtool().length === 0, 'the alert to resolve in Alertmanager', 8000, 200);
  assert.equal(mgr.activeAlerts().length, 0);
});
