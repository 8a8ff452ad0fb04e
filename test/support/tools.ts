/**
 * The real tools interop tests run against (Debian prometheus, promtool,
 * prometheus-alertmanager, amtool, prometheus-node-exporter, chromium, openssl, tzdata). CI installs
 * them through .ci/run; a missing one fails the test with a clear message, never skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian package that ships each tool, for the error message. */
const DEBIAN_PACKAGE: Record<string, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  chromium: 'chromium',
  openssl: 'openssl',
};

const found = new Map<string, boolean>();

/** Whether `name` is on PATH (looked up once per process). */
export function hasTool(name: string): boolean {
  let has = found.get(name);
  if (has === undefined) {
    has = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name]).status === 0;
    found.set(name, has);
  }
  return has;
}

/** Throws (the test fails) when `name` is not on PATH. */
export function requireBinary(name: string): void {
  if (!hasTool(name)) {
    throw new Error(`${name} is not installed; CI installs it through .ci/run (apt-get install -y ${DEBIAN_PACKAGE[name] ?? name})`);
  }
}

/**
 * Throws (the test fails) when a file or directory is missing: one a Debian package provides
 * (`from` is the package name), or another input (`from.hint` says where it comes from).
 */
export function requireFile(path: string, from: string | { hint: string }): void {
  if (existsSync(path)) return;
  throw new Error(`${path} is missing; ${typeof from === 'string' ? `CI installs it through .ci/run (apt-get install -y ${from})` : from.hint}`);
}
