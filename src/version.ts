/**
 * Build information. The version is a Prometheus-compatible semver so clients that switch on
 * Prometheus versions (Grafana) treat promlite as a Prometheus 2.x server with the features
 * it offers.
 */
import { readFileSync } from 'node:fs';
import { installPath } from './installPaths.ts';

const pkg = JSON.parse(readFileSync(installPath('package.json'), 'utf8')) as { version: string };

export const PROMLITE_VERSION = pkg.version;
/** The Prometheus API level promlite answers for. */
export const PROMETHEUS_COMPAT_VERSION = '2.42.0';

export function buildInfo(): Record<string, string> {
  return {
    version: PROMETHEUS_COMPAT_VERSION,
    revision: `promlite-${PROMLITE_VERSION}`,
    branch: 'main',
    buildUser: 'promlite',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
  };
}
