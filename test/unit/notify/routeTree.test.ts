// Route table tests: inline YAML + label sets -> receivers, each row cross-checked against
// `amtool config routes test` (Debian prometheus-alertmanager; CI installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { buildRouteTree } from '../../../src/notify/routeTree.ts';
import { requireBinary } from '../../support/tools.ts';

// Routes of seed 002 (festivals) verbatim; receivers without integrations.
const SEED_002 = `
route:
  group_by: ['alertname', 'cluster', 'service']
  group_wait: 10s
  group_interval: 10s
  repeat_interval: 1h
  receiver: 'default'
  routes:
    - match:
        severity: critical
      receiver: 'pagerduty'
    - match:
        severity: warning
      receiver: 'slack'
receivers:
  - name: 'default'
  - name: 'slack'
  - name: 'pagerduty'
`;

// Routes of seed 003 (multi-tenant) verbatim; the seed forgot to declare 'slack-alerts'
// (Alertmanager rejects that file too), so it is declared here.
const SEED_003 = `
route:
  group_by: ['alertname', 'severity']
  group_wait: 10s
  group_interval: 10s
  repeat_interval: 1h
  receiver: 'default'
  routes:
  - match:
      severity: critical
    receiver: 'pager-duty'
  - match:
      severity: warning
    receiver: 'slack-alerts'
  - match_re:
      alertname: '^Tenant.*'
    receiver: 'tenant-alerts'
receivers:
- name: 'default'
- name: 'pager-duty'
- name: 'slack-alerts'
- name: 'tenant-alerts'
`;

const NESTED = `
route:
  receiver: root
  group_by: [...]
  routes:
  - matchers: ['team="db"', 'severity=~"critical|page"']
    receiver: db-pager
    continue: true
  - matchers: [team=db]
    receiver: db-mail
    routes:
    - matchers: ['env!="prod"']
      receiver: db-dev
  - matchers: ['{team="web", env!~"dev|test"}']
    receiver: web
receivers: [{name: root}, {name: db-pager}, {name: db-mail}, {name: db-dev}, {name: web}]
`;

const CASES: { name: string; yaml: string; rows: [Record<string, string>, string[]][] }[] = [
  {
    name: 'seed 002',
    yaml: SEED_002,
    rows: [
      [{ alertname: 'HighErrorRate', severity: 'critical' }, ['pagerduty']],
      [{ alertname: 'SlowRequests', severity: 'warning' }, ['slack']],
      [{ alertname: 'Info', severity: 'info' }, ['default']],
      [{ alertname: 'NoSeverity' }, ['default']],
    ],
  },
  {
    name: 'seed 003',
    yaml: SEED_003,
    rows: [
      [{ alertname: 'TenantQuotaExceeded', severity: 'critical' }, ['pager-duty']],
      [{ alertname: 'TenantQuotaExceeded', severity: 'warning' }, ['slack-alerts']],
      [{ alertname: 'TenantQuotaExceeded', severity: 'info' }, ['tenant-alerts']],
      [{ alertname: 'XTenant' }, ['default']],
      [{ alertname: 'HighLatency', severity: 'info' }, ['default']],
    ],
  },
  {
    name: 'nested + continue + matchers syntax',
    yaml: NESTED,
    rows: [
      [{ team: 'db', severity: 'critical', env: 'prod' }, ['db-pager', 'db-mail']],
      [{ team: 'db', severity: 'critical', env: 'dev' }, ['db-pager', 'db-dev']],
      [{ team: 'db', env: 'prod' }, ['db-mail']],
      [{ team: 'web', env: 'prod' }, ['web']],
      [{ team: 'web', env: 'test' }, ['root']],
      [{ team: 'web' }, ['web']],
    ],
  },
];

for (const c of CASES) {
  test(`route table: ${c.name}`, () => {
    const tree = buildRouteTree(parseAlertmanagerConfig(c.yaml, 'inline.yml').route);
    for (const [labels, want] of c.rows) {
      const got = tree.match(labels).map((r) => r.opts.receiver);
      assert.deepEqual(got, want, JSON.stringify(labels));
    }
  });

  test(`route table agrees with amtool: ${c.name}`, () => {
    requireBinary('amtool');
    const dir = mkdtempSync(join(tmpdir(), 'promlite-routes-'));
    try {
      const file = join(dir, 'am.yml');
      writeFileSync(file, c.yaml);
      for (const [labels, want] of c.rows) {
        const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
        const r = spawnSync('amtool', args, { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split(','), want, `amtool for ${JSON.stringify(labels)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('inheritance of grouping and timing options', () => {
  const tree = buildRouteTree(parseAlertmanagerConfig(NESTED, 'x.yml').route);
  assert.equal(tree.opts.groupWaitMs, 30_000);
  assert.equal(tree.opts.groupIntervalMs, 300_000);
  assert.equal(tree.opts.repeatIntervalMs, 4 * 3600_000);
  const dbDev = tree.routes[1].routes[0];
  assert.equal(dbDev.opts.groupByAll, true);
  assert.equal(dbDev.key, '{}/{team="db"}/{env!="prod"}');
  assert.equal(tree.routes[0].key, '{}/{severity=~"critical|page",team="db"}');
  const emptyGroupBy = buildRouteTree(parseAlertmanagerConfig('route:\n  receiver: a\n  group_by: [alertname]\n  routes:\n  - receiver: a\n    group_by: []\n  - receiver: a\n    group_by: [job]\nreceivers: [{name: a}]\n', 'x.yml').route);
  assert.deepEqual(emptyGroupBy.routes[0].opts.groupBy, ['alertname'], 'group_by: [] inherits');
  assert.deepEqual(emptyGroupBy.routes[1].opts.groupBy, ['job']);
  const seed = buildRouteTree(parseAlertmanagerConfig(SEED_002, 'x.yml').route);
  assert.deepEqual(seed.routes[0].opts.groupBy, ['alertname', 'cluster', 'service']);
  assert.equal(seed.routes[0].opts.groupWaitMs, 10_000);
  assert.equal(seed.routes[0].opts.repeatIntervalMs, 3600_000);
});
