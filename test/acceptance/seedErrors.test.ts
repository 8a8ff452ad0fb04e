/**
 * The seed text the examples had to fix: promlite rejects it with the same clear,
 * position-carrying messages as promtool/amtool, and names what it does not support.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/promliteProcess.ts';
import { requireBinary } from '../support/tools.ts';

const FIXTURES = 'test/fixtures/acceptance';

function run(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}
const promlite = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin/promlite.mjs'), ...args]);

test('seed 002: kubernetes_sd_configs is refused with the line and the supported alternatives', () => {
  const r = promlite('check', 'config', `${FIXTURES}/002-kubernetes-sd.yml`);
  assert.equal(r.code, 1);
  assert.match(r.out, /002-kubernetes-sd\.yml:4: kubernetes_sd_configs is not supported by promlite \(line 4\); use static_configs, file_sd_configs/);
});

test('seed 003: the rule text as written fails like promtool (top-level severity, {tenant_id}, sum over a range)', () => {
  requireBinary('promtool');
  for (const file of ['003-seed-alerts.yml', '003-seed-exprs.yml']) {
    const mine = promlite('check', 'rules', `${FIXTURES}/${file}`);
    const theirs = run('promtool', ['check', 'rules', `${FIXTURES}/${file}`]);
    assert.equal(mine.code, 1, file);
    assert.equal(theirs.code, 1, file);
    const failures = (s: string) => s.split('\n').filter((l) => l.includes(file) || /^\s*line \d+/.test(l)).map((l) => l.trim());
    assert.deepEqual(failures(mine.out), failures(theirs.out), file);
  }
  const exprs = promlite('check', 'rules', `${FIXTURES}/003-seed-exprs.yml`).out;
  assert.match(exprs, /7:15: .*"TenantExceedsProductLimit".*unexpected "}" in label matching, expected label matching operator/);
  assert.match(exprs, /10:15: .*"PlatformRevenueDropAlert".*expected type instant vector in aggregation expression, got range vector/);
  assert.match(promlite('check', 'rules', `${FIXTURES}/003-seed-alerts.yml`).out, /line 8: field severity not found/);
});

test('seed 003: the Alertmanager routes as written name an undefined receiver, as amtool reports', () => {
  requireBinary('amtool');
  const mine = promlite('check', 'notifier-config', `${FIXTURES}/003-seed-alertmanager.yml`);
  const theirs = run('amtool', ['check-config', `${FIXTURES}/003-seed-alertmanager.yml`]);
  assert.equal(mine.code, 1);
  assert.equal(theirs.code, 1);
  assert.match(mine.out, /003-seed-alertmanager\.yml:5: undefined receiver "slack-alerts" used in route/);
  assert.match(theirs.out, /undefined receiver "slack-alerts" used in route/);
});

test('every example passes promlite check, promtool and amtool', () => {
  requireBinary('promtool');
  requireBinary('amtool');
  for (const ex of ['000-saas-gateway', '001-cloudbill', '002-festivals', '003-ecommerce', '004-analytics']) {
    const dir = `config/examples/${ex}`;
    const rules = run('sh', ['-c', `ls ${dir}/rules/*.yml`]).out.trim().split('\n');
    assert.equal(promlite('check', 'config', `${dir}/prometheus.yml`).code, 0, `promlite check config ${ex}`);
    assert.equal(promlite('check', 'rules', ...rules).code, 0, `promlite check rules ${ex}`);
    assert.equal(promlite('check', 'notifier-config', `${dir}/alertmanager.yml`).code, 0, `promlite check notifier-config ${ex}`);
    assert.equal(run('promtool', ['check', 'rules', ...rules]).code, 0, `promtool check rules ${ex}`);
    assert.equal(run('amtool', ['check-config', `${dir}/alertmanager.yml`]).code, 0, `amtool check-config ${ex}`);
    // 003 uses the promlite extension storage.retention_rules, which promtool does not know.
    const prom = run('promtool', ['check', 'config', `${dir}/prometheus.yml`]);
    if (ex === '003-ecommerce') assert.match(prom.out, /field retention_rules not found/);
    else assert.equal(prom.code, 0, `promtool check config ${ex}: ${prom.out}`);
  }
});
