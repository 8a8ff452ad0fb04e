// Config loading: good files load with Alertmanager's defaults; bad ones fail with file:line
// messages (a table in the style of Prometheus' TestBadConfigs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadAlertmanagerConfigFile, parseAlertmanagerConfig, ConfigError } from '../../../src/config/alertmanagerConfig.ts';

test('the embedded default config loads', () => {
  const cfg = loadAlertmanagerConfigFile(fileURLToPath(new URL('../../../config/alertmanager.yml', import.meta.url)));
  assert.equal(cfg.route.receiver, 'default');
  assert.deepEqual(cfg.receivers, [{ name: 'default', integrations: [] }]);
  assert.equal(cfg.global.resolveTimeoutMs, 300_000);
});

test('globals, receivers, time intervals and inhibit rules parse', () => {
  const cfg = parseAlertmanagerConfig(
    `
global:
  resolve_timeout: 1m
  smtp_smarthost: 'localhost:25'
  smtp_from: 'am@example.org'
  slack_api_url: 'http://127.0.0.1:1/slack'
route:
  receiver: r
  mute_time_intervals: []
time_intervals:
  - name: offhours
    time_intervals:
      - times: [{start_time: '18:00', end_time: '24:00'}]
        weekdays: ['monday:friday', saturday]
        days_of_month: ['1:5', '-3:-1']
        months: ['january:march', '12']
        years: ['2020:2030']
        location: Europe/Berlin
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
  - source_match: {severity: page}
    target_match_re: {severity: 'info|warning'}
receivers:
  - name: r
    webhook_configs:
      - url: http://127.0.0.1:9/hook
        max_alerts: 3
      - url: http://127.0.0.1:9/other
        send_resolved: false
    pagerduty_configs:
      - routing_key: abc
templates: ['tmpl/*.tmpl']
`,
    '/etc/am/am.yml',
  );
  assert.equal(cfg.global.resolveTimeoutMs, 60_000);
  assert.equal(cfg.global.smtpRequireTls, true);
  assert.equal(cfg.global.smtpHello, 'localhost');
  const ti = cfg.timeIntervals.get('offhours')![0];
  assert.deepEqual(ti.times, [{ start: 1080, end: 1440 }]);
  assert.deepEqual(ti.weekdays, [{ start: 1, end: 5 }, { start: 6, end: 6 }]);
  assert.deepEqual(ti.daysOfMonth, [{ start: 1, end: 5 }, { start: -3, end: -1 }]);
  assert.deepEqual(ti.months, [{ start: 1, end: 3 }, { start: 12, end: 12 }]);
  assert.equal(ti.location, 'Europe/Berlin');
  assert.equal(cfg.inhibitRules.length, 2);
  assert.deepEqual(cfg.inhibitRules[0].equal, ['alertname']);
  assert.equal(cfg.inhibitRules[1].targetMatchers[0].type, '=~');
  const hooks = cfg.receivers[0].integrations.filter((i) => i.kind.name === 'webhook');
  assert.deepEqual(hooks.map((h) => [h.index, (h.config as { maxAlerts: number }).maxAlerts, (h.config as { sendResolved: boolean }).sendResolved]), [[0, 3, true], [1, 0, false]]);
  assert.deepEqual(cfg.templates, ['/etc/am/tmpl/*.tmpl']);
  assert.ok(cfg.original.includes('routing_key: <secret>'));
});

const BAD: { yaml: string; error: string }[] = [
  { yaml: 'route:\n  receiver: x\nreceivers:\n- name: y\n', error: 'am.yml:2: undefined receiver "x" used in route' },
  { yaml: 'route:\n  receiver: x\n  foo: 1\nreceivers:\n- name: x\n', error: 'am.yml:3: unknown field "foo" in route' },
  { yaml: 'route:\n  receiver: x\n  group_wait: 5 minutes\nreceivers:\n- name: x\n', error: 'am.yml:3: route.group_wait: not a valid duration string: "5 minutes"' },
  { yaml: 'route:\n  receiver: x\n  routes:\n  - matchers: [\'a=~"("\']\nreceivers:\n- name: x\n', error: 'am.yml:4: invalid regular expression' },
  { yaml: 'route:\n  receiver: x\n  routes:\n  - matchers: [\'a="b\']\nreceivers:\n- name: x\n', error: 'am.yml:4: matcher value contains unescaped double quote' },
  { yaml: 'route:\n  receiver: x\n  matchers: [a=b]\nreceivers:\n- name: x\n', error: 'root route must not have any matchers' },
  { yaml: 'route:\n  group_by: [a]\nreceivers:\n- name: x\n', error: 'root route must specify a default receiver' },
  { yaml: 'route:\n  receiver: x\n  group_by: [..., a]\nreceivers:\n- name: x\n', error: 'am.yml:3: cannot have wildcard group_by' },
  { yaml: 'route:\n  receiver: x\nreceivers:\n- name: x\n- name: x\n', error: 'am.yml:5: notification config name "x" is not unique' },
  { yaml: 'route:\n  receiver: x\n  routes:\n  - receiver: x\n    mute_time_intervals: [nope]\nreceivers:\n- name: x\n', error: 'am.yml:4: undefined time interval "nope" used in route' },
  { yaml: 'route:\n  receiver: x\nreceivers:\n- name: x\n  webhook_configs:\n  - url: ftp://x\n', error: 'am.yml:6: receivers[0].webhook_configs[0].url: unsupported scheme "ftp"' },
  { yaml: 'route:\n  receiver: x\nreceivers:\n- name: x\n  opsgenie_configs:\n  - api_key: k\n', error: 'am.yml:6: receiver "x": opsgenie_configs are not supported by promlite' },
  { yaml: 'route:\n  receiver: x\n  group_interval: 0s\nreceivers:\n- name: x\n', error: 'group_interval cannot be zero' },
  { yaml: 'route: [\n', error: 'am.yml:' },
  { yaml: '', error: 'no route provided in config' },
  { yaml: 'receivers:\n- name: x\n', error: 'no route provided in config' },
  { yaml: 'route:\n  receiver: x\ntime_intervals:\n- name: t\n  time_intervals:\n  - weekdays: [funday]\nreceivers:\n- name: x\n', error: 'am.yml:6: time_intervals[0].time_intervals[0].weekdays[0]: invalid weekday range "funday"' },
  { yaml: 'route:\n  receiver: x\ntime_intervals:\n- name: t\n  time_intervals:\n  - location: Mars/Base\nreceivers:\n- name: x\n', error: 'am.yml:6: unknown time zone Mars/Base' },
];

for (const b of BAD) {
  test(`bad config: ${b.error}`, () => {
    assert.throws(
      () => parseAlertmanagerConfig(b.yaml, 'am.yml'),
      (e: unknown) => e instanceof ConfigError && e.message.includes(b.error) ? true : assert.fail(`got: ${(e as Error).message}`),
    );
  });
}

test('check notifier-config prints amtool-style results and fails on errors', async () => {
  const { checkNotifierConfigCommand } = await import('../../../src/config/alertmanagerCheck.ts');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { PassThrough } = await import('node:stream');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-check-'));
  try {
    writeFileSync(join(dir, 'good.yml'), 'route:\n  receiver: x\nreceivers:\n- name: x\ntemplates: ["*.tmpl"]\n');
    writeFileSync(join(dir, 'a.tmpl'), '{{ define "a" }}x{{ end }}');
    writeFileSync(join(dir, 'bad.yml'), 'route:\n  receiver: x\nreceivers:\n- name: y\n');
    const out = new PassThrough();
    const err = new PassThrough();
    const code = checkNotifierConfigCommand([join(dir, 'good.yml'), join(dir, 'bad.yml')], out, err);
    assert.equal(code, 1);
    const text = out.read().toString();
    assert.match(text, /good\.yml'  SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - 1 receivers\n - 1 templates/);
    assert.match(text, /bad\.yml'  FAILED: .*bad\.yml:2: undefined receiver "x" used in route/);
    assert.match(err.read().toString(), /failed to validate 1 file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
