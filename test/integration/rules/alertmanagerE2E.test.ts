/**
 * End to end: promlite's rule manager evaluates an alerting rule with the real PromQL engine
 * and forwards the alert to a real Alertmanager 0.25 (Debian prometheus-alertmanager), checked
 * with `amtool alert query`; then the alert resolves and Alertmanager drops it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
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

const available = spawnSync('prometheus-alertmanager', ['--version']).status === 0 && spawnSync('amtool', ['--version']).status === 0;
const skip = available ? false : 'prometheus-alertmanager / amtool not installed';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

test('alerts reach a real Alertmanager and resolve there', { skip, timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-rules-am-'));
  writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: blackhole\n  group_wait: 1s\n  group_interval: 1s\nreceivers:\n- name: blackhole\n');
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
  const port = await freePort();
  const am: ChildProcess = spawn(
    'prometheus-alertmanager',
    [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { stdio: 'ignore' },
  );
  const amURL = `http://127.0.0.1:${port}`;
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
    if (am.exitCode === null) {
      am.kill('SIGTERM');
      await new Promise((r) => am.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${amURL}/-/ready`)).ok) break;
    } catch {}
    if (i > 100) throw new Error('alertmanager did not start');
    await sleep(100);
  }
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
          serviceDiscovery: [{ kind: 'static', groups: [{ source: '0', targets: [Labels.fromObject({ __address__: `127.0.0.1:${port}` })], labels: Labels.EMPTY }] }],
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

  const amtool = (): AmAlert[] =>
    JSON.parse(execFileSync('amtool', ['alert', 'query', '-o', 'json', `--alertmanager.url=${amURL}`], { encoding: 'utf8' })) as AmAlert[];

  const [alert] = await waitFor('the alert in Alertmanager', () => {
    const got = amtool();
    return got.length > 0 ? got : undefined;
  });
  assert.deepEqual(alert.labels, { alertname: 'ServiceDown', instance: 'api-1:8080', job: 'ecommerce-api', replica: 'a', severity: 'critical' });
  assert.deepEqual(alert.annotations, { summary: 'api-1:8080 of ecommerce-api is down' });
  assert.equal(alert.generatorURL, 'http://promlite.example:9090/graph?g0.expr=up%7Bjob%3D%22ecommerce-api%22%7D+%3D%3D+0&g0.tab=1');
  assert.equal(alert.status.state, 'active');
  // endsAt = last send + 4 × max(interval 1s, resend delay 1s).
  const validFor = Date.parse(alert.endsAt) - Date.now();
  assert.ok(validFor > 0 && validFor <= 4000, `endsAt ${alert.endsAt} is within 4s`);
  // The amtool text table lists it too.
  assert.match(execFileSync('amtool', ['alert', 'query', `--alertmanager.url=${amURL}`], { encoding: 'utf8' }), /ServiceDown .* api-1:8080 of ecommerce-api is down/);

  // Recovery: the resolved alert is sent with endsAt = resolve time, Alertmanager drops it.
  down = false;
  await waitFor('the alert to resolve in Alertmanager', () => (amtool().length === 0 ? true : undefined));
  assert.equal(mgr.activeAlerts().length, 0);
});
