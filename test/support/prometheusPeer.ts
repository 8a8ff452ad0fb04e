/**
 * The real Prometheus 2.42 (Debian package) as a test peer: started on 127.0.0.1 with a given
 * prometheus.yml, optionally on a fixed data dir and port so a test can stop and restart it
 * (receiver outages). Missing binaries fail the test: CI installs them, nothing is skipped.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './childProcess.ts';
import { freePort, routePrefixOf } from './promliteProcess.ts';
import { requireBinary } from './tools.ts';

// Older imports take these from here.
export { requireBinary } from './tools.ts';
export { eventually } from './wait.ts';

export interface PrometheusPeer {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  output(): string;
  /** Stops the process; the data dir is kept for a restart unless `cleanup`. */
  stop(cleanup?: boolean): Promise<void>;
}

/**
 * Writes `config` to `<dir>/prometheus.yml` (files it names relatively, e.g. rule files, go
 * next to it in `dir`) and waits until Prometheus is ready. `dir` is removed when it fails to
 * start, and by `stop()` unless told to keep it.
 */
export async function startPrometheusPeer(opts: { config: string; args?: string[]; dir?: string; port?: number }): Promise<PrometheusPeer> {
  requireBinary('prometheus');
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'promlite-peer-'));
  writeFileSync(join(dir, 'prometheus.yml'), opts.config);
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = await startServerProcess({
    name: 'prometheus',
    command: 'prometheus',
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(opts.args ?? []),
    ],
    readyURL: `${url}${routePrefixOf(opts.args ?? [])}/-/ready`,
    readyTimeoutMs: 30_000,
    // Prometheus may wait up to a minute flushing remote-write queues to a dead endpoint.
    killAfterMs: 5000,
    onStartFailure: () => rmSync(dir, { recursive: true, force: true }),
  });
  const stop = async (cleanup = true) => {
    await server.stop();
    if (cleanup) rmSync(dir, { recursive: true, force: true });
  };
  return { url, port, dir, proc: server.proc, output: server.output, stop };
}

export async function promQuery(url: string, query: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const params = new URLSearchParams({ query });
  if (time !== undefined) params.set('time', String(time));
  const body = (await (await fetch(`${url}/api/v1/query?${params}`)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(JSON.stringify(body));
  return body.data.result;
}
