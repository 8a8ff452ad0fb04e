// Discord webhooks sent by promlite compared with what the real Alertmanager 0.25 (Debian
// prometheus-alertmanager) sends for the same config and alerts, firing and resolved.
// (0.25 does not cut long titles/descriptions; promlite does, see the unit test, so the texts
// here stay within Discord's limits.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { HttpSink, makeHarness, type Received } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { alertmanagerDelivers, promliteDelivers, type ApiAlert } from './alertmanagerOracle.ts';

const EXTERNAL_URL = 'http://promlite.test:9090'; // makeHarness's; Alertmanager gets the same
const amSink = HttpSink.aroundTests();
const plSink = HttpSink.aroundTests();

const config = (base: string) => `
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  routes:
  - matchers: [severity="page"]
    receiver: discord
receivers:
- name: default
- name: discord
  discord_configs:
  - webhook_url: ${base}/api/webhooks/123/default
  - webhook_url: ${base}/api/webhooks/123/custom
    send_resolved: false
    title: '{{ .Status | toUpper }} {{ .CommonLabels.alertname }} ({{ len .Alerts.Firing }}/{{ len .Alerts }})'
    message: '{{ range .Alerts }}* {{ .Labels.instance }} <{{ .Annotations.summary }}> since {{ .StartsAt.Format "15:04:05" }}
      {{ end }}{{ .CommonLabels.SortedPairs.Values | join ", " }}'
`;

/** The last message per webhook path (Alertmanager may flush a group twice). */
function lastByPath(rs: Received[]): Record<string, unknown> {
  return Object.fromEntries(rs.map((r) => [r.path, r.body]));
}

test('Discord embeds match Alertmanager 0.25 (firing, then resolved; send_resolved: false honoured)', async () => {
  const am = await startAlertmanager(config(amSink.url), EXTERNAL_URL);
  try {
    const now = Date.now();
    const startsAt = new Date(now - 90_000).toISOString();
    const endsAt = new Date(now + 3_600_000).toISOString();
    const firing: ApiAlert[] = [
      { labels: { alertname: 'HighLatency', severity: 'page', instance: 'web-1', job: 'api' }, annotations: { summary: 'p99 > 1s & rising' }, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=x&g0.tab=1' },
      { labels: { alertname: 'HighLatency', severity: 'page', instance: 'web-2', job: 'api' }, annotations: { summary: 'p99 > 2s' }, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=x&g0.tab=1' },
    ];
    const h = makeHarness(config(plSink.url), { clock: new ManualClock(now) });
    await alertmanagerDelivers(am, firing, () => amSink.received.length, 2);
    await promliteDelivers(h, firing);
    assert.deepEqual(lastByPath(plSink.received), lastByPath(amSink.received));
    assert.equal(plSink.received[0].headers['content-type'], amSink.received[0].headers['content-type']);

    amSink.clear();
    plSink.clear();
    const resolved = firing.map((a) => ({ ...a, endsAt: new Date(now - 1000).toISOString() }));
    await alertmanagerDelivers(am, resolved, () => amSink.received.length, 1);
    await promliteDelivers(h, resolved);
    assert.deepEqual(Object.keys(lastByPath(amSink.received)), ['/api/webhooks/123/default'], 'only the send_resolved config');
    assert.deepEqual(lastByPath(plSink.received), lastByPath(amSink.received));
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
