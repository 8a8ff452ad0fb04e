/**
 * The real tools interop tests run against (Debian prometheus, promtool,
 * prometheus-alertmanager, amtool, prometheus-node-exporter, chromium, tzdata). CI installs
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

/** Throws (the test fails) when a file a Debian package provides is missing. */
export function requireFile(path: string, debianPackage: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing; CI installs it through .ci/run (apt-get install -y ${debianPackage})`);
}
