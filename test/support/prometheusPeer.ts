/**
 * The real Prometheus 2.42 (Debian package) as a test peer: started on 127.0.0.1 with a given
 * prometheus.yml, optionally on a fixed data dir and port so a test can stop and restart it
 * (receiver outages). Missing binaries fail the test: CI installs them, nothing is skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './promliteProcess.ts';

export function requireBinary(name: string): void {
  const r = spawnSync('which', [name]);
  if (r.status !== 0) throw new Error(`${name} is not installed; run: apt-get install -y prometheus prometheus-alertmanager prometheus-node-exporter`);
}

export interface PrometheusPeer {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  output(): string;
  /** Stops the process; the data dir is kept for a restart unless `cleanup`. */
  stop(cleanup?: boolean): Promise<void>;
}

export async function startPrometheusPeer(opts: { config: string; args?: string[]; dir?: string; port?: number }): Promise<PrometheusPeer> {
  requireBinary('prometheus');
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'promlite-peer-'));
  writeFileSync(join(dir, 'prometheus.yml'), opts.config);
  const port = opts.port ?? (await freePort());
  const proc = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (cleanup = true) => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      // Prometheus may wait up to a minute flushing remote-write queues to a dead endpoint.
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    if (cleanup) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited early:\n${out}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, dir, proc, output: () => out, stop };
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function promQuery(url: string, query: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const params = new URLSearchParams({ query });
  if (time !== undefined) params.set('time', String(time));
  const body = (await (await fetch(`${url}/api/v1/query?${params}`)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(JSON.stringify(body));
  return body.data.result;
}
