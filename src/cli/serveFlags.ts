/**
 * Flags of `promlite serve`. Names follow Prometheus wherever Prometheus has the flag, so
 * existing docker-compose files and systemd units keep working.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { installPath } from '../installPaths.ts';

export interface ServeFlags {
  configFile: string;
  notifierConfigFile: string;
  storagePath: string;
  retentionTime: string;
  retentionSize: string;
  listenAddress: string;
  externalUrl: string;
  /** Where the HTTP routes live: "/" or "/a/b" (no trailing slash); defaults to the external URL's path. */
  routePrefix: string;
  enableLifecycle: boolean;
  enableAdminApi: boolean;
  enableRemoteWriteReceiver: boolean;
  webConfigFile: string;
  logLevel: string;
  logFormat: string;
  queryMaxSamples: number;
  queryTimeout: string;
  queryMaxConcurrency: number;
  queryLookbackDelta: string;
  rulesForOutageTolerance: string;
  rulesForGracePeriod: string;
  rulesResendDelay: string;
  notifierHistoryRetention: string;
  /** Prometheus flags that were given and have no effect here (logged as warnings at start). */
  ignoredFlags: string[];
}

interface FlagSpec {
  key: keyof ServeFlags;
  type: 'string' | 'boolean' | 'number';
  default: string | boolean | number;
  help: string;
  /**
   * For file flags whose default is one of promlite's own files: when the flag is not given
   * and the default does not exist relative to the working directory, the installed copy is
   * used, so `promlite serve` started from any directory runs on the embedded config.
   */
  installedDefault?: boolean;
}

/** Flag name (without `--`) → spec. Order is the order shown by --help. */
export const SERVE_FLAGS: Record<string, FlagSpec> = {
  'config.file': { key: 'configFile', type: 'string', default: 'config/promlite.yml', installedDefault: true, help: 'Prometheus configuration file path.' },
  'notifier.config.file': { key: 'notifierConfigFile', type: 'string', default: 'config/alertmanager.yml', installedDefault: true, help: 'Alertmanager-format notifier configuration file path.' },
  'storage.tsdb.path': { key: 'storagePath', type: 'string', default: 'data/', help: 'Base path for metrics storage.' },
  'storage.tsdb.retention.time': { key: 'retentionTime', type: 'string', default: '15d', help: 'How long to retain samples in storage.' },
  'storage.tsdb.retention.size': { key: 'retentionSize', type: 'string', default: '0', help: 'Maximum number of bytes that can be stored (units: B, KB, MB, GB, TB, PB, EB); 0 disables.' },
  'web.listen-address': { key: 'listenAddress', type: 'string', default: '0.0.0.0:9090', help: 'Address to listen on for UI, API, and telemetry.' },
  'web.external-url': { key: 'externalUrl', type: 'string', default: '', help: 'The URL under which promlite is externally reachable; its path, if any, prefixes every HTTP endpoint.' },
  'web.route-prefix': { key: 'routePrefix', type: 'string', default: '', help: 'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.' },
  'web.enable-lifecycle': { key: 'enableLifecycle', type: 'boolean', default: false, help: 'Enable shutdown and reload via HTTP request.' },
  'web.enable-admin-api': { key: 'enableAdminApi', type: 'boolean', default: false, help: 'Enable API endpoints for admin control actions.' },
  'web.enable-remote-write-receiver': { key: 'enableRemoteWriteReceiver', type: 'boolean', default: false, help: 'Enable API endpoint accepting remote write requests.' },
  'web.config.file': { key: 'webConfigFile', type: 'string', default: '', help: 'Path to configuration file that can enable TLS or authentication.' },
  'log.level': { key: 'logLevel', type: 'string', default: 'info', help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]' },
  'log.format': { key: 'logFormat', type: 'string', default: 'logfmt', help: 'Output format of log messages. One of: [logfmt, json]' },
  'query.max-samples': { key: 'queryMaxSamples', type: 'number', default: 50_000_000, help: 'Maximum number of samples a single query can load into memory.' },
  'query.timeout': { key: 'queryTimeout', type: 'string', default: '2m', help: 'Maximum time a query may take before being aborted.' },
  'query.max-concurrency': { key: 'queryMaxConcurrency', type: 'number', default: 20, help: 'Maximum number of queries executed concurrently.' },
  'query.lookback-delta': { key: 'queryLookbackDelta', type: 'string', default: '5m', help: 'The maximum lookback duration for retrieving metrics during expression evaluations.' },
  'rules.alert.for-outage-tolerance': { key: 'rulesForOutageTolerance', type: 'string', default: '1h', help: "Max time to tolerate promlite outage for restoring 'for' state of alert." },
  'rules.alert.for-grace-period': { key: 'rulesForGracePeriod', type: 'string', default: '10m', help: "Minimum duration between alert and restored 'for' state." },
  'rules.alert.resend-delay': { key: 'rulesResendDelay', type: 'string', default: '1m', help: 'Minimum amount of time to wait before resending an alert to Alertmanager.' },
  'notifier.history.retention': { key: 'notifierHistoryRetention', type: 'string', default: '7d', help: 'How long the record of every notification attempt is kept (GET /api/v2/notifications/history).' },
};

export class UsageError extends Error {}

/**
 * Prometheus 2.42 flags promlite accepts and ignores, so that a docker-compose `command:` or a
 * systemd unit written for Prometheus starts promlite unchanged (the Prometheus image's own
 * defaults include the console flags). Each is about something promlite does not have: console
 * templates, TSDB blocks and WAL segments, feature flags, connection tuning.
 */
const IGNORED_PROMETHEUS_FLAGS: Record<string, 'string' | 'boolean'> = {
  'web.read-timeout': 'string',
  'web.max-connections': 'string',
  'web.local-assets': 'string',
  'web.user-assets': 'string',
  'web.console.templates': 'string',
  'web.console.libraries': 'string',
  'web.page-title': 'string',
  'web.cors.origin': 'string',
  'storage.tsdb.use-lockfile': 'boolean',
  'storage.tsdb.no-lockfile': 'boolean',
  'storage.tsdb.head-chunks-write-queue-size': 'string',
  'storage.tsdb.min-block-duration': 'string',
  'storage.tsdb.max-block-duration': 'string',
  'storage.tsdb.wal-compression': 'boolean',
  'storage.tsdb.wal-segment-size': 'string',
  'storage.tsdb.allow-overlapping-blocks': 'boolean',
  'storage.remote.flush-deadline': 'string',
  'storage.remote.read-sample-limit': 'string',
  'storage.remote.read-concurrent-limit': 'string',
  'storage.remote.read-max-bytes-in-frame': 'string',
  'alertmanager.notification-queue-capacity': 'string',
  'enable-feature': 'string',
};

export function parseServeFlags(args: string[]): ServeFlags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
    // Prometheus's kingpin accepts --no-<flag> for booleans.
    if (spec.type === 'boolean') options[`no-${name}`] = { type: 'boolean' };
  }
  for (const [name, type] of Object.entries(IGNORED_PROMETHEUS_FLAGS)) {
    options[name] = { type, multiple: true };
    if (type === 'boolean') options[`no-${name}`] = { type: 'boolean', multiple: true };
  }
  // Prometheus's deprecated spelling of --storage.tsdb.retention.time.
  options['storage.tsdb.retention'] = { type: 'string' };
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values['storage.tsdb.retention'] !== undefined && values['storage.tsdb.retention.time'] === undefined) {
    values['storage.tsdb.retention.time'] = values['storage.tsdb.retention'];
  }
  const ignoredFlags = Object.keys(IGNORED_PROMETHEUS_FLAGS).filter((n) => values[n] !== undefined || values[`no-${n}`] !== undefined);
  const out: Record<string, unknown> = { ignoredFlags };
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    let v = values[name] as string | boolean | number | undefined;
    if (spec.type === 'boolean' && values[`no-${name}`]) v = false;
    if (v === undefined) {
      v = spec.default;
      if (spec.installedDefault && !existsSync(String(v))) v = installPath(String(v));
    }
    if (spec.type === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
        throw new UsageError(`invalid value ${JSON.stringify(v)} for flag --${name}: expected a non-negative integer`);
      }
      out[spec.key] = n;
    } else {
      out[spec.key] = v;
    }
  }
  out.routePrefix = resolveRoutePrefix(out.routePrefix as string, out.externalUrl as string);
  return out as unknown as ServeFlags;
}

/**
 * The route prefix as Prometheus computes it (cmd/prometheus/main.go): the flag, else the path
 * of the external URL, always with one leading and no trailing slash ("/" when empty). The
 * resolved value is what /api/v1/status/flags shows, as in Prometheus.
 */
export function resolveRoutePrefix(flag: string, externalUrl: string): string {
  let prefix = flag;
  if (prefix === '' && externalUrl !== '') {
    try {
      // A bare path (`--web.external-url=/prom/`) is accepted as Go's url.Parse accepts it.
      prefix = new URL(externalUrl, 'http://localhost').pathname;
    } catch {
      throw new UsageError(`invalid value ${JSON.stringify(externalUrl)} for flag --web.external-url: not a URL`);
    }
  }
  return '/' + prefix.replace(/^\/+|\/+$/g, '');
}

export function serveUsage(): string {
  const lines = ['Flags of `promlite serve`:'];
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    const arg = spec.type === 'boolean' ? '' : `=${spec.type === 'number' ? 'N' : 'VALUE'}`;
    const def = spec.type === 'boolean' ? '' : ` (default: ${JSON.stringify(spec.default)})`;
    lines.push(`  --${name}${arg}`.padEnd(44) + spec.help + def);
  }
  lines.push('', 'Accepted for compatibility with Prometheus command lines, with a warning, and ignored:');
  lines.push(...wrap(Object.keys(IGNORED_PROMETHEUS_FLAGS).map((n) => `--${n}`), 96).map((l) => `  ${l}`));
  lines.push('  --storage.tsdb.retention (old name of --storage.tsdb.retention.time).');
  return lines.join('\n');
}

/**
 * The URL promlite's own links start with (alert generatorURL, notification templates'
 * ExternalURL), as Prometheus's computeExternalURL: the flag, or http://<hostname>:<port>, with
 * the trailing slashes of its path removed.
 */
export function computeExternalURL(flag: string, port: number, host = hostname()): string {
  const raw = flag || `http://${host}:${port}/`;
  try {
    const u = new URL(raw);
    u.pathname = u.pathname.replace(/\/+$/, '');
    return u.pathname === '/' && !u.search && !u.hash ? u.href.slice(0, -1) : u.href;
  } catch {
    return raw.replace(/\/+$/, ''); // a bare path, as Go's url.Parse accepts it
  }
}

/** Joins words into lines of at most `width` characters. */
function wrap(words: string[], width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}
