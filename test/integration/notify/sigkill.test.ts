// promlite's notifier killed with SIGKILL while a notification is pending: after a restart the
// pending notification is sent, and the one already delivered is not sent again.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { HttpSink } from './harness.ts';

const script = fileURLToPath(new URL('./notifierProcess.ts', import.meta.url));
const sink = new HttpSink();
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'promlite-sigkill-'));
const children: ChildProcess[] = [];

before(async () => {
  base = await sink.start();
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startNotifier(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`notifier exited with ${code}`)));
  });
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGKILL with a pending notification: resent after restart, delivered one not resent', async () => {
  const dbFile = join(dir, 'promlite.db');
  const cfgFile = join(dir, 'am.yml');
  writeFileSync(
    cfgFile,
    `
route:
  receiver: ok
  group_by: [alertname]
  group_wait: 0s
  routes:
  - matchers: [alertname=Pending]
    receiver: down
receivers:
- name: ok
  webhook_configs: [{url: "${base}/ok"}]
- name: down
  webhook_configs: [{url: "${base}/down"}]
`,
  );
  let downCalls = 0;
  sink.status = (req) => (req.url === '/down' ? (downCalls++, 503) : 200);
  const a = await startNotifier([dbFile, cfgFile, JSON.stringify([{ labels: { alertname: 'Delivered' } }, { labels: { alertname: 'Pending' } }])]);
  await until(() => sink.received.length === 1 && downCalls >= 2, 'first delivery and a failed attempt');
  a.kill('SIGKILL');
  await new Promise((r) => a.once('exit', r));
  const db = new Database(dbFile, { readonly: true });
  const pending = (db.prepare('SELECT count(*) AS n FROM notify_pending').get() as { n: number }).n;
  db.close();
  assert.equal(pending, 1, 'the undelivered notification is persisted');

  sink.status = () => 200;
  const b = await startNotifier([dbFile, cfgFile]);
  await until(() => sink.received.length >= 2, 'the pending notification after restart');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(sink.received.map((r) => r.path), ['/ok', '/down']);
  assert.equal(sink.received[1].body.alerts[0].labels.alertname, 'Pending');
  b.kill('SIGKILL');
});
