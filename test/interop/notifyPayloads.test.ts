// The webhook payloads promlite sends, compared with what the real Alertmanager 0.25 sends
// for the same alerts and config (captured in the test from a running prometheus-alertmanager).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { HttpSink, makeHarness } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { eventually } from '../support/wait.ts';

const amSink = HttpSink.aroundTests();
const plSink = HttpSink.aroundTests();
for (const sink of [amSink, plSink]) sink.replyBody = (req) => (req.url?.includes('/sendMessage') ? '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":-1001234,"type":"group"}}}' : 'ok');

const config = (base: string) => `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  routes:
  - matchers: [severity="page"]
    receiver: both
    continue: true
  - matchers: [severity="page"]
    receiver: chat
    continue: true
  - matchers: ['team=~"db|web"']
    receiver: 'team.hook'
    group_by: [team, replica]
receivers:
- name: default
- name: both
  webhook_configs:
  - url: ${base}/both
- name: chat
  slack_configs:
  - api_url: ${base}/slack
    channel: '#alerts'
    send_resolved: true
  - api_url: ${base}/slack-custom
    send_resolved: true
    username: 'bot {{ .CommonLabels.team }}'
    icon_emoji: ':fire:'
    title: '{{ .Status | toUpper }} {{ .CommonLabels.alertname }}'
    text: '{{ range .Alerts }}{{ .Labels.replica }}: {{ .Annotations.summary }} since {{ .StartsAt.Format "15:04" }}\\n{{ end }}'
    fields:
    - title: Severity
      value: '{{ .CommonLabels.severity }}'
      short: true
    - title: Alerts
      value: '{{ len .Alerts }}'
    footer: 'from {{ template "__alertmanager" . }}'
    link_names: true
  pagerduty_configs:
  - routing_key: 'rk-{{ .CommonLabels.team }}'
    url: ${base}/pagerduty
    severity: '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}'
    class: disk
    details:
      team: '{{ .CommonLabels.team }}'
    links:
    - href: '{{ .ExternalURL }}'
      text: Alertmanager
  discord_configs:
  - webhook_url: ${base}/discord
  telegram_configs:
  - api_url: ${base}/telegram
    bot_token: 'tok:en'
    chat_id: -1001234
- name: 'team.hook'
  webhook_configs:
  - url: ${base}/team
    max_alerts: 1
`;

const webhookCount = (n: number) => eventually(() => amSink.received.length >= n, `${n} webhook calls`, 8000, 50);

/** Drops what legitimately differs: the external URL. */
function normalize(body: any) {
  if (!body.groupKey) return JSON.parse(JSON.stringify(body).replaceAll('http://am.test:9093', '<external>').replaceAll('http://promlite.test:9090', '<external>'));
  return { ...body, externalURL: '<external>' };
}

function byPath(rs: { path: string; body: any }[]) {
  const out: Record<string, any> = {};
  for (const r of rs) out[`${r.path} ${r.body.groupKey ?? ''}`] = normalize(r.body);
  return out;
}

test('webhook, Slack, PagerDuty, Discord and Telegram payloads match Alertmanager 0.25 (firing and resolved)', async () => {
  const am = await startAlertmanager(config(amSink.url), 'http://am.test:9093');
  try {
    const now = Date.now();
    const startsAt = new Date(now - 60_000).toISOString();
    const firing = [
      { labels: { alertname: 'AlwaysFiring', severity: 'page', replica: 'a', team: 'db' }, annotations: { summary: 'always 1' }, startsAt, endsAt: new Date(now + 3600_000).toISOString(), generatorURL: 'http://prom:9090/graph?g0.expr=vector%281%29&g0.tab=1' },
      { labels: { alertname: 'AlwaysFiring', severity: 'page', replica: 'b', team: 'db' }, annotations: { summary: 'always 1', extra: 'x' }, startsAt, endsAt: new Date(now + 3600_000).toISOString(), generatorURL: 'http://prom:9090/graph?g0.expr=vector%281%29&g0.tab=1' },
    ];
    await am.postAlerts(firing);
    await webhookCount(8);
    // Give Alertmanager one more group_interval, in case a group was flushed before both alerts
    // were in it; the last notification per group is the one compared.
    await new Promise((r) => setTimeout(r, 1500));

    const h = makeHarness(config(plSink.url), { clock: new ManualClock(now) });
    const toAlert = (a: any) => ({ labels: a.labels, annotations: a.annotations, startsAt: Date.parse(a.startsAt), endsAt: Date.parse(a.endsAt), generatorURL: a.generatorURL });
    h.push(...firing.map(toAlert));
    await h.scheduler.advance(1000);
    assert.deepEqual(byPath(plSink.received), byPath(amSink.received));
    assert.equal(plSink.received[0].headers['content-type'], amSink.received[0].headers['content-type']);

    // Resolve one alert of each group.
    amSink.clear();
    plSink.clear();
    const resolved = { ...firing[0], endsAt: new Date(now - 1000).toISOString() };
    await am.postAlerts([resolved, firing[1]]);
    await webhookCount(2);
    await new Promise((r) => setTimeout(r, 1500));
    h.push(toAlert(resolved), toAlert(firing[1]));
    await h.scheduler.advance(1000);
    const amByPath = byPath(amSink.received);
    const plByPath = byPath(plSink.received);
    assert.deepEqual(Object.keys(plByPath).sort(), Object.keys(amByPath).sort());
    for (const path of Object.keys(plByPath)) assert.deepEqual(plByPath[path], amByPath[path], path);
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
