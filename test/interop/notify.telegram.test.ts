// Telegram sendMessage requests sent by promlite compared with what the real Alertmanager 0.25
// (Debian prometheus-alertmanager, telebot client) sends for the same config and alerts: path,
// content type and the exact JSON text (key order included), firing and resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { HttpSink, makeHarness, type Received } from '../integration/notify/harness.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { alertmanagerDelivers, promliteDelivers, type ApiAlert } from './alertmanagerOracle.ts';

const EXTERNAL_URL = 'http://promlite.test:9090'; // makeHarness's; Alertmanager gets the same
const OK = '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":-1001234,"type":"group"}}}';
const amSink = HttpSink.aroundTests();
const plSink = HttpSink.aroundTests();
amSink.replyBody = plSink.replyBody = () => OK;

const config = (base: string) => `
route:
  receiver: tg
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
receivers:
- name: tg
  telegram_configs:
  - api_url: ${base}/default
    bot_token: '123:tok-en'
    chat_id: -1001234
  - api_url: ${base}/quiet
    bot_token: 'b0t'
    chat_id: 42
    disable_notifications: true
    parse_mode: MarkdownV2
    message: '*{{ .Status | toUpper }}* {{ range .Alerts }}{{ .Labels.instance }}={{ .Annotations.summary }} {{ end }}'
  - api_url: ${base}/html
    bot_token: 'b0t'
    chat_id: 42
    message: '<b>{{ .CommonLabels.alertname }}</b> {{ .CommonAnnotations.summary }} {{ .CommonAnnotations.long }}'
  - api_url: ${base}/plain
    bot_token: 'b0t'
    chat_id: 42
    parse_mode: ''
    send_resolved: false
    message: '{{ .CommonLabels.alertname }} & <{{ len .Alerts }}>'
`;

/** path → the exact JSON text of the last request there (Alertmanager may flush twice). */
function lastByPath(rs: Received[]): Record<string, string> {
  return Object.fromEntries(rs.map((r) => [r.path, JSON.stringify(r.body)]));
}

test('Telegram requests match Alertmanager 0.25 (parse modes, escaping, 4096-rune cut, firing then resolved)', async () => {
  const am = await startAlertmanager(config(amSink.url), EXTERNAL_URL);
  try {
    const now = Date.now();
    const startsAt = new Date(now - 60_000).toISOString();
    const endsAt = new Date(now + 3_600_000).toISOString();
    const annotations = { summary: `disk "full" & <it's> bad`, long: 'ы'.repeat(4200) };
    const firing: ApiAlert[] = [
      { labels: { alertname: 'Disk<Full>', instance: 'a&b' }, annotations, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=x&g0.tab=1' },
      { labels: { alertname: 'Disk<Full>', instance: 'c' }, annotations, startsAt, endsAt, generatorURL: 'http://prom:9090/graph?g0.expr=x&g0.tab=1' },
    ];
    const h = makeHarness(config(plSink.url), { clock: new ManualClock(now) });
    await alertmanagerDelivers(am, firing, () => amSink.received.length, 4);
    await promliteDelivers(h, firing);
    const am1 = lastByPath(amSink.received);
    assert.deepEqual(Object.keys(am1).sort(), ['/default/bot123:tok-en/sendMessage', '/html/botb0t/sendMessage', '/plain/botb0t/sendMessage', '/quiet/botb0t/sendMessage']);
    assert.equal([...JSON.parse(am1['/html/botb0t/sendMessage']).text].length, 4096, 'the oracle cut the text');
    assert.deepEqual(lastByPath(plSink.received), am1);
    assert.equal(plSink.received[0].headers['content-type'], amSink.received[0].headers['content-type']);

    amSink.clear();
    plSink.clear();
    const resolved = firing.map((a) => ({ ...a, endsAt: new Date(now - 1000).toISOString() }));
    await alertmanagerDelivers(am, resolved, () => amSink.received.length, 3);
    await promliteDelivers(h, resolved);
    assert.equal(lastByPath(amSink.received)['/plain/botb0t/sendMessage'], undefined, 'send_resolved: false');
    assert.deepEqual(lastByPath(plSink.received), lastByPath(amSink.received));
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
