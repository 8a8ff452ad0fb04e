/**
 * Starts `promlite serve` as a child process on a free port with a temporary data directory,
 * waits until /-/ready answers 200 (or it logs that it is ready), and stops it (SIGTERM, then
 * SIGKILL) on demand.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from './childProcess.ts';
import { resolveRoutePrefix } from '../../src/cli/serveFlags.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'promlite');

/** What `promlite serve` logs once it listens (src/server.ts), as Prometheus does. */
const READY_LOG_LINE = 'Server is ready to receive web requests';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The route prefix a Prometheus-style command line serves under ("" for "/"), by the rule both
 * promlite and Prometheus use, so readiness is polled at `<prefix>/-/ready`.
 */
export function routePrefixOf(args: string[]): string {
  const flag = (name: string) => args.filter((a) => a.startsWith(`--${name}=`)).pop()?.slice(name.length + 3) ?? '';
  const prefix = resolveRoutePrefix(flag('web.route-prefix'), flag('web.external-url'));
  return prefix === '/' ? '' : prefix;
}

export interface PromliteProcess {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startPromlite(args: string[] = [], opts: {
    dataDir?: string;
    keepData?: boolean;
    cwd?: string;
    port?: number;
    /** Run on config/promlite.yml (which scrapes localhost:9090) instead of a config without jobs. */
    embeddedConfig?: boolean;
    /** Poll /-/ready over plain HTTP (default); false waits for the log line instead (TLS, auth). */
    readyCheck?: boolean;
    /** Variables added to the server's environment. */
    env?: Record<string, string>;
  } = {}): Promise<PromliteProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'promlite-test-'));
  // Tests get a config without scrape jobs unless they bring one, so a stray server on :9090
  // (the embedded config's target) cannot leak series into their results.
  const configArg = args.some((a) => a.startsWith('--config.file')) || opts.embeddedConfig ? [] : [`--config.file=${join(REPO_ROOT, 'test/fixtures/server/empty.yml')}`];
  const server = await startServerProcess({
    name: 'promlite',
    // Started through its launcher, so the server runs with the node flags and environment
    // it ships with (npm start and the Dockerfile run it the same way).
    command: BIN,
    env: opts.env,
    args: ['serve', `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${dataDir}`, ...configArg, ...args],
    cwd: opts.cwd ?? REPO_ROOT,
    ...(opts.readyCheck === false ? { readyLogLine: READY_LOG_LINE } : { readyURL: `http://127.0.0.1:${port}${routePrefixOf(args)}/-/ready` }),
    readyTimeoutMs: 20_000,
    killAfterMs: 10_000,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    proc: server.proc,
    output: server.output,
    stop: async (signal = 'SIGTERM') => {
      const code = await server.stop(signal);
      if (!opts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
