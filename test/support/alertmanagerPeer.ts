/**
 * The real Alertmanager 0.25 (Debian prometheus-alertmanager) as a test peer: started on
 * 127.0.0.1 without clustering, with a temp config and storage dir; alerts are posted to its
 * API v2 and read back with amtool. Missing binaries fail the test, nothing is skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './childProcess.ts';
import { freePort } from './promliteProcess.ts';
import { requireBinary } from './tools.ts';

export interface AlertmanagerPeer {
  url: string;
  port: number;
  output(): string;
  /** POST /api/v2/alerts; throws unless Alertmanager accepts them. */
  postAlerts(alerts: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startAlertmanager(config: string, externalURL?: string): Promise<AlertmanagerPeer> {
  requireBinary('prometheus-alertmanager');
  const dir = mkdtempSync(join(tmpdir(), 'promlite-am-'));
  writeFileSync(join(dir, 'am.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [`--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
  if (externalURL) args.push(`--web.external-url=${externalURL}`);
  const server = await startServerProcess({
    name: 'prometheus-alertmanager',
    command: 'prometheus-alertmanager',
    args,
    readyURL: `${url}/-/ready`,
    readyTimeoutMs: 10_000,
    killAfterMs: 5000,
    onStartFailure: () => rmSync(dir, { recursive: true, force: true }),
  });
  return {
    url,
    port,
    output: server.output,
    async postAlerts(alerts) {
      const r = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!r.ok) throw new Error(`alertmanager rejected alerts: ${r.status} ${await r.text()}`);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `amtool alert query -o json [matchers]` against `url`; throws when amtool fails. */
export function amtoolAlerts(url: string, ...matchers: string[]): any[] {
  requireBinary('amtool');
  return JSON.parse(execFileSync('amtool', ['alert', 'query', '-o', 'json', `--alertmanager.url=${url}`, ...matchers], { encoding: 'utf8' })) as any[];
}
