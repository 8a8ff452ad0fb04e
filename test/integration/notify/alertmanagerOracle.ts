// Starts the real Alertmanager (Debian prometheus-alertmanager 0.25) on 127.0.0.1 with a temp
// config and storage dir, as the reference for payload comparisons.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasAlertmanager = spawnSync('prometheus-alertmanager', ['--version']).status === 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface RunningAlertmanager {
  url: string;
  postAlerts(alerts: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startAlertmanager(config: string, externalURL: string): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-am-'));
  writeFileSync(join(dir, 'am.yml'), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', `--web.external-url=${externalURL}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch {}
    if (i > 100 || child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async postAlerts(alerts) {
      const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!r.ok) throw new Error(`alertmanager rejected alerts: ${r.status} ${await r.text()}`);
    },
    stop,
  };
}
