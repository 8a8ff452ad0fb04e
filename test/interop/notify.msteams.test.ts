// Microsoft Teams: Alertmanager 0.25 has no msteams_configs, so there is no 0.25 oracle for the
// payload. This test (1) pins that fact, so it fails and asks for a real comparison once the
// installed Alertmanager knows Teams, and (2) checks what can be checked: the Teams default
// templates (promlite's copy of the 0.26+ default.tmpl text) rendered by Alertmanager 0.25's own
// engine through a Discord receiver give promlite's card title, summary and text.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { MSTEAMS_TMPL } from '../../src/template/alertmanagerDefaults.ts';
import { HttpSink, makeHarness } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { alertmanagerDelivers, promliteDelivers, type ApiAlert } from './alertmanagerOracle.ts';
import { requireBinary } from '../support/tools.ts';

const EXTERNAL_URL = 'http://promlite.test:9090'; // makeHarness's; Alertmanager gets the same
const dir = mkdtempSync(join(tmpdir(), 'promlite-teams-'));
const amSink = HttpSink.aroundTests();
const plSink = HttpSink.aroundTests();
after(() => rmSync(dir, { recursive: true, force: true }));

test('Alertmanager 0.25 rejects msteams_configs (no oracle for the Teams payload)', () => {
  requireBinary('amtool');
  const file = join(dir, 'teams.yml');
  writeFileSync(file, 'route: {receiver: t}\nreceivers:\n- name: t\n  msteams_configs:\n  - webhook_url: http://127.0.0.1:1/x\n');
  const r = spawnSync('amtool', ['check-config', file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'the installed Alertmanager accepts msteams_configs: compare Teams payloads with it');
  assert.match(r.stdout + r.stderr, /field msteams_configs not found/);
});

const route = `route:
  receiver: teams
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
`;
const amConfig = (tmplFile: string) => `${route}templates: ['${tmplFile}']
receivers:
- name: teams
  discord_configs:
  - webhook_url: ${amSink.url}/title
    title: '{{ template "msteams.default.title" . }}'
    message: '{{ template "msteams.default.summary" . }}'
  - webhook_url: ${amSink.url}/text
    title: x
    message: '{{ template "msteams.default.text" . }}'
`;
const plConfig = () => `${route}receivers:
- name: teams
  msteams_configs:
  - webhook_url: ${plSink.url}/teams
`;

test('Teams card texts equal the Teams default templates rendered by Alertmanager 0.25 (firing, resolved)', async () => {
  const tmplFile = join(dir, 'msteams.tmpl');
  writeFileSync(tmplFile, MSTEAMS_TMPL);
  const am = await startAlertmanager(amConfig(tmplFile), EXTERNAL_URL);
  try {
    const now = Date.now();
    const startsAt = new Date(now - 60_000).toISOString();
    const endsAt = new Date(now + 3_600_000).toISOString();
    const firing: ApiAlert[] = [
      // In Alertmanager's order within a group (job, instance, then label set).
      { labels: { alertname: 'QueueStuck', queue: 'jobs', severity: 'warning' }, annotations: { summary: 'no progress <5m>' }, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=q&g0.tab=1' },
      { labels: { alertname: 'QueueStuck', queue: 'mail', severity: 'warning' }, annotations: { summary: 'no progress <5m>', runbook: 'http://wiki/q' }, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=q&g0.tab=1' },
    ];
    const h = makeHarness(plConfig(), { clock: new ManualClock(now) });

    const compare = async (alerts: ApiAlert[], color: string) => {
      amSink.clear();
      plSink.clear();
      await alertmanagerDelivers(am, alerts, () => amSink.received.length, 2);
      await promliteDelivers(h, alerts);
      const last = (path: string) => amSink.received.filter((r) => r.path === path).at(-1)!.body.embeds[0];
      const card = plSink.received.at(-1)!.body;
      assert.equal(card.title, last('/title').title);
      assert.equal(card.summary, last('/title').description);
      assert.equal(card.text, last('/text').description);
      assert.equal(card.themeColor, color);
    };
    await compare(firing, '8C1A1A');
    await compare(firing.map((a) => ({ ...a, endsAt: new Date(now - 1000).toISOString() })), '2DC72D');
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
