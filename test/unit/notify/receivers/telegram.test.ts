// Telegram receiver: config parsing (errors with file:line, as Alertmanager 0.25 words them),
// the sendMessage request (JSON of strings, parse modes, escaping, 4096-rune limit), Telegram's
// `ok: false` answers, retry classification and no bot token in error text. The requests are
// compared with the real Alertmanager in test/interop/notify.telegram.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ManualClock } from '../../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../../src/config/alertmanagerConfig.ts';
import { ConfigError } from '../../../../src/config/alertmanagerYaml.ts';
import { createNotificationTemplater } from '../../../../src/notify/templating.ts';
import { ReceiverError, type Integration } from '../../../../src/notify/receivers/types.ts';
import { telegramReceiver, type TelegramConfig } from '../../../../src/notify/receivers/telegram.ts';
import type { NotifyAlert } from '../../../../src/notify/templateData.ts';
import { HttpSink } from '../../../integration/notify/harness.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const TOKEN = '123456:AAbbCCddSeCrEt';
const OK = '{"ok":true,"result":{"message_id":7,"date":0,"chat":{"id":-100123,"type":"group"}}}';
const sink = new HttpSink();
let base = '';
before(async () => {
  base = await sink.start();
  sink.replyBody = () => OK;
});
after(() => sink.stop());

function parse(yaml: string, global = ''): TelegramConfig {
  const cfg = parseAlertmanagerConfig(`${global}route: {receiver: r}\nreceivers:\n- name: r\n  telegram_configs:\n  - ${yaml.replaceAll('\n', '\n    ')}\n`, 'am.yml');
  return cfg.receivers[0].integrations[0].config as TelegramConfig;
}

function integration(yaml: string): Integration {
  return telegramReceiver.create(parse(yaml), { clock: new ManualClock(T0), logger: pino({ level: 'silent' }), templater: createNotificationTemplater([]), externalURL: 'http://promlite.test' });
}

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}, endsAt = T0 + 60_000): NotifyAlert {
  return { fingerprint: '', labels, annotations, startsAt: T0 - 60_000, endsAt, generatorURL: 'http://prom/graph?a=1&b=2' };
}

const ctx = { groupKey: '{}:{alertname="Disk"}', receiverName: 'r', groupLabels: { alertname: 'Disk' }, now: T0, repeatIntervalMs: 0, muteTimeIntervals: [], activeTimeIntervals: [] };
const firing = [alert({ alertname: 'Disk<1>', team: 'db&ops' }, { summary: `"full" it's` })];

async function send(yaml: string, alerts = firing): Promise<{ path: string; raw: string; body: any; headers: any }> {
  sink.clear();
  await integration(yaml).notify(ctx, alerts);
  assert.equal(sink.received.length, 1);
  const r = sink.received[0];
  return { path: r.path, raw: JSON.stringify(r.body), body: r.body, headers: r.headers };
}

function configError(yaml: string, global = ''): string {
  try {
    parse(yaml, global);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  assert.fail('config was accepted');
}

test('config: errors name file and line, as Alertmanager 0.25 check-config words them', () => {
  assert.equal(configError('{chat_id: 1}'), 'am.yml:5: missing bot_token on telegram_config');
  assert.equal(configError(`{bot_token: '', chat_id: 1}`), 'am.yml:5: missing bot_token on telegram_config');
  assert.equal(configError('{bot_token: t}'), 'am.yml:5: missing chat_id on telegram_config');
  assert.equal(configError('{bot_token: t, chat_id: 0}'), 'am.yml:5: missing chat_id on telegram_config');
  assert.match(configError(`{bot_token: t, chat_id: '12'}`), /^am\.yml:5: .*expected an integer$/);
  assert.match(configError('{bot_token: t, chat_id: 1, parse_mode: foo}'), /^am\.yml:5: unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string$/);
  assert.match(configError('{bot_token: t, chat_id: 1, message_thread_id: 3}'), /^am\.yml:5: unknown field "message_thread_id"/);
  assert.match(configError('{bot_token: t, chat_id: 1, api_url: ftp://x}'), /unsupported scheme "ftp" for URL$/);
});

test('config: defaults (global telegram_api_url, HTML, send_resolved)', () => {
  const c = parse('{bot_token: t, chat_id: -100123}');
  assert.equal(c.apiUrl, 'https://api.telegram.org');
  assert.equal(c.parseMode, 'HTML');
  assert.equal(c.sendResolved, true);
  assert.equal(c.disableNotifications, false);
  assert.equal(parse('{bot_token: t, chat_id: 1}', 'global: {telegram_api_url: "http://tg.local/"}\n').apiUrl, 'http://tg.local');
});

test('sendMessage: JSON of strings with sorted keys; HTML parse mode escapes the data, not the template', async () => {
  const r = await send(`api_url: ${base}/\nbot_token: '${TOKEN}'\nchat_id: -100123\ndisable_notifications: true\nmessage: '<b>{{ .CommonLabels.alertname }}</b> {{ .CommonAnnotations.summary }} {{ .CommonLabels.team }}'`);
  assert.equal(r.path, `/bot${TOKEN}/sendMessage`);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.raw, JSON.stringify({
    chat_id: '-100123',
    disable_notification: 'true',
    disable_web_page_preview: 'true',
    parse_mode: 'HTML',
    text: '<b>Disk&lt;1&gt;</b> &#34;full&#34; it&#39;s db&amp;ops',
  }));
  // Other parse modes are plain text templates; an empty parse_mode sends none.
  for (const [mode, key] of [['MarkdownV2', 'MarkdownV2'], ['Markdown', 'Markdown'], ["''", undefined]] as const) {
    const m = await send(`api_url: ${base}\nbot_token: t\nchat_id: 5\nparse_mode: ${mode}\nmessage: '{{ .CommonLabels.alertname }} &'`);
    assert.equal(m.body.parse_mode, key);
    assert.equal(m.body.text, 'Disk<1> &');
    assert.equal(m.body.disable_notification, undefined);
  }
});

test('default message for firing and resolved alerts; text cut to 4096 runes', async () => {
  const yaml = `api_url: ${base}\nbot_token: t\nchat_id: 5`;
  const r = await send(yaml);
  assert.equal(r.body.text, '\n\nAlerts Firing:\nLabels:\n - alertname = Disk&lt;1&gt;\n - team = db&amp;ops\nAnnotations:\n - summary = &#34;full&#34; it&#39;s\nSource: http://prom/graph?a=1&amp;b=2\n\n\n\n');
  const resolved = await send(yaml, [alert({ alertname: 'Disk' }, {}, T0 - 1)]);
  assert.match(resolved.body.text, /^\n\n\nAlerts Resolved:\nLabels:\n - alertname = Disk\n/);
  const long = await send(`${yaml}\nmessage: '{{ .CommonAnnotations.long }}'`, [alert({ alertname: 'Disk' }, { long: 'ж'.repeat(5000) })]);
  assert.equal(long.body.text, 'ж'.repeat(4095) + '…');
});

test('errors: HTTP codes classified, ok:false permanent, no bot token in any error text', async () => {
  const yaml = `api_url: ${base}\nbot_token: '${TOKEN}'\nchat_id: 5`;
  const failure = async (integ: Integration) => {
    const err = await integ.notify(ctx, firing).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ReceiverError, String(err));
    assert.ok(!err.message.includes(TOKEN) && !err.message.includes('SeCrEt'), err.message);
    return err;
  };
  try {
    for (const [code, retryable] of [[500, true], [502, true], [429, true], [400, false], [401, false], [403, false], [404, false]] as const) {
      sink.status = () => code;
      const err = await failure(integration(yaml));
      assert.equal(err.retryable, retryable, `${code}`);
      assert.match(err.message, new RegExp(`${code}`));
    }
    sink.status = () => 200;
    sink.replyBody = () => '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}';
    const refused = await failure(integration(yaml));
    assert.equal(refused.retryable, false);
    assert.match(refused.message, /chat not found/);
  } finally {
    sink.status = () => 200;
    sink.replyBody = () => OK;
  }
  const down = await failure(integration(`api_url: http://127.0.0.1:9\nbot_token: '${TOKEN}'\nchat_id: 5`));
  assert.equal(down.retryable, true);
  const tmpl = await failure(integration(`${yaml}\nmessage: '{{ .Nope.Deeper }}'`));
  assert.equal(tmpl.retryable, false);
});

test('http_config is honoured (authorization header)', async () => {
  const bearer = await send(`api_url: ${base}\nbot_token: t\nchat_id: 5\nhttp_config: {authorization: {credentials: tok3n}}`);
  assert.equal(bearer.headers.authorization, 'Bearer tok3n');
  const basic = await send(`api_url: ${base}\nbot_token: t\nchat_id: 5\nhttp_config: {basic_auth: {username: u, password: p}}`);
  assert.equal(basic.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
});
