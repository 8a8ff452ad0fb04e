/**
 * Starts a server binary as a child process, waits until it is ready (an HTTP URL of it answers
 * 2xx, or it logs a given line), and stops it again (SIGTERM, then SIGKILL). Shared by every
 * real peer the tests start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from './wait.ts';

export interface ServerProcess {
  proc: ChildProcess;
  /** stdout and stderr so far, for error messages. */
  output(): string;
  /** Sends `signal`, SIGKILL after `killAfterMs`; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * How to tell that the server is ready: poll a URL until it answers 2xx, or (for servers a plain
 * HTTP GET cannot reach, e.g. TLS or basic auth) wait until stdout/stderr contains a line.
 */
export type ReadyWhen = { readyURL: string; readyLogLine?: never } | { readyLogLine: string; readyURL?: never };

export async function startServerProcess(opts: ReadyWhen & {
  /** Name in error messages. */
  name: string;
  command: string;
  args: string[];
  readyTimeoutMs: number;
  killAfterMs: number;
  cwd?: string;
  /** Variables added to the process's environment. */
  env?: Record<string, string>;
  /** Runs when the process does not start (e.g. to remove its temp dir). */
  onStartFailure?: () => void;
}): Promise<ServerProcess> {
  const proc = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : undefined, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), opts.killAfterMs);
      await exited;
      clearTimeout(timer);
    }
    return proc.exitCode;
  };
  try {
    await waitReady(opts, proc, () => out, stop);
  } catch (e) {
    opts.onStartFailure?.();
    throw e;
  }
  return { proc, output: () => out, stop };
}

async function waitReady(opts: ReadyWhen & { name: string; readyTimeoutMs: number }, proc: ChildProcess, output: () => string, stop: ServerProcess['stop']): Promise<void> {
  let spawnError: Error | undefined; // e.g. ENOENT: the binary is not installed
  proc.once('error', (e) => (spawnError = e));
  const deadline = Date.now() + opts.readyTimeoutMs;
  for (;;) {
    if (spawnError) throw new Error(`${opts.name} could not be started: ${spawnError.message}`);
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${opts.name} exited early (${proc.exitCode ?? proc.signalCode}):\n${output()}`);
    if (opts.readyURL === undefined) {
      if (output().includes(opts.readyLogLine)) return;
    } else {
      try {
        if ((await fetch(opts.readyURL)).ok) return;
      } catch {
        /* not listening yet */
      }
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`${opts.name} did not become ready within ${opts.readyTimeoutMs} ms:\n${output()}`);
    }
    await sleep(100);
  }
}
