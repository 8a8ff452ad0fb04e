// Email at a real SMTP server (npm smtp-server, STARTTLS + AUTH): recipients, subject, both
// bodies, resolved mail; subject and HTML body compared with what Alertmanager 0.25 sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.ts';
import { makeHarness } from '../integration/notify/harness.ts';
import { MailSink, parseMail, decodeWords } from '../integration/notify/mailSink.ts';
import { startAlertmanager } from '../support/alertmanagerPeer.ts';
import { eventually } from '../support/wait.ts';

const sink = new MailSink();
let port = 0;
before(async () => {
  port = await sink.start({ user: 'am', pass: 's3cret' });
});
after(() => sink.stop());

const config = () => `
global:
  smtp_smarthost: '127.0.0.1:${port}'
  smtp_from: 'alertmanager@example.org'
  smtp_auth_username: am
  smtp_auth_password: s3cret
route:
  receiver: mail
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
receivers:
- name: mail
  email_configs:
  - to: 'oncall@example.org, boss@example.org'
    send_resolved: true
    headers:
      X-Team: '{{ .CommonLabels.team }}'
    tls_config:
      insecure_skip_verify: true
`;

const alerts = (now: number, resolved = false) => [
  { labels: { alertname: 'DiskFull', severity: 'page', team: 'db', instance: 'db1' }, annotations: { summary: 'disk almost full', description: 'only 1% left' }, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(resolved ? now - 1000 : now + 3600_000).toISOString(), generatorURL: 'http://prom:9090/graph?g0.expr=disk' },
];

const mailCount = (n: number) => eventually(() => sink.mails.length >= n, `mail ${n}`, 10_000, 50);

test('email: STARTTLS, auth, recipients, subject, html + text bodies, resolved mail', async () => {
  sink.mails.length = 0;
  const now = Date.now();
  const h = makeHarness(config(), { clock: new ManualClock(now) });
  const toAlert = (a: any) => ({ labels: a.labels, annotations: a.annotations, startsAt: Date.parse(a.startsAt), endsAt: Date.parse(a.endsAt), generatorURL: a.generatorURL });
  h.push(...alerts(now).map(toAlert));
  await h.scheduler.advance(1000);
  assert.equal(sink.mails.length, 1, JSON.stringify(h.notifier.history.list()));
  const m = sink.mails[0];
  assert.equal(m.from, 'alertmanager@example.org');
  assert.deepEqual(m.to, ['oncall@example.org', 'boss@example.org']);
  assert.equal(m.user, 'am:PLAIN');
  assert.equal(m.secure, true, 'upgraded with STARTTLS');
  const mail = parseMail(m.raw);
  assert.equal(decodeWords(mail.headers.subject), '[FIRING:1] DiskFull (db1 page db)');
  assert.equal(mail.headers['x-team'], 'db');
  assert.match(mail.html!, /<!DOCTYPE html/);
  assert.match(mail.html!, /disk almost full/);
  assert.match(mail.text!, /\[1\] Firing/);
  assert.match(mail.text!, /summary = disk almost full/);
  // Resolved.
  h.clock.advance(5000);
  h.push(...alerts(h.clock.now(), true).map(toAlert));
  await h.scheduler.advance(1000);
  assert.equal(sink.mails.length, 2);
  assert.equal(decodeWords(parseMail(sink.mails[1].raw).headers.subject), '[RESOLVED] DiskFull (db1 page db)');
  h.notifier.stop();
});

test('email: CRAM-MD5 with auth_secret, and a wrong password is a permanent failure', async () => {
  sink.mails.length = 0;
  const now = Date.now();
  const cram = config().replace('smtp_auth_password: s3cret', 'smtp_auth_secret: s3cret');
  const h = makeHarness(cram, { clock: new ManualClock(now) });
  h.push({ labels: { alertname: 'Cram' }, annotations: {}, startsAt: now, endsAt: now + 60_000, generatorURL: '' });
  await h.scheduler.advance(1000);
  assert.equal(sink.mails.length, 1);
  assert.equal(sink.mails[0].user, 'am:CRAM-MD5');
  h.notifier.stop();
  const wrong = makeHarness(config().replace('smtp_auth_password: s3cret', 'smtp_auth_password: nope'), { clock: new ManualClock(now) });
  wrong.push({ labels: { alertname: 'Wrong' }, annotations: {}, startsAt: now, endsAt: now + 60_000, generatorURL: '' });
  await wrong.scheduler.advance(1000);
  const [last] = wrong.notifier.history.list();
  assert.equal(last.status, 'failed');
  assert.match(last.error, /Invalid username or password/);
  assert.ok(!last.error.includes('nope'));
  wrong.notifier.stop();
});

test('email subject and HTML body match Alertmanager 0.25', async () => {
  sink.mails.length = 0;
  const am = await startAlertmanager(config(), 'http://am.test:9093');
  try {
    const now = Date.now();
    await am.postAlerts(alerts(now));
    await mailCount(1);
    const amMail = parseMail(sink.mails[0].raw);
    const h = makeHarness(config(), { clock: new ManualClock(now), externalURL: 'http://am.test:9093' });
    h.push(...alerts(now).map((a) => ({ labels: a.labels, annotations: a.annotations, startsAt: Date.parse(a.startsAt), endsAt: Date.parse(a.endsAt), generatorURL: a.generatorURL })));
    await h.scheduler.advance(1000);
    await mailCount(2);
    const plMail = parseMail(sink.mails[1].raw);
    assert.equal(decodeWords(plMail.headers.subject), decodeWords(amMail.headers.subject));
    assert.equal(plMail.headers.to, amMail.headers.to);
    assert.equal(plMail.headers.from, amMail.headers.from);
    assert.equal(plMail.headers['x-team'], amMail.headers['x-team']);
    assert.deepEqual(sink.mails[1].to, sink.mails[0].to);
    assert.ok(amMail.html && amMail.html.length > 1000 && amMail.html.includes('disk almost full'), 'Alertmanager sent its HTML body');
    assert.equal(plMail.html, amMail.html);
    h.notifier.stop();
  } finally {
    await am.stop();
  }
});
