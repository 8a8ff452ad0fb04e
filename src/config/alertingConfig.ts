/** The `alerting:` block: alert_relabel_configs and the Alertmanagers to send to. */
import type { Node } from 'yaml';
import { readSDConfigs, type SDConfig } from './discoveryConfig.ts';
import { readHttpClientConfig, type HttpClientConfig } from './httpClientConfig.ts';
import { readRelabelConfigs, type RelabelConfig } from './relabelConfig.ts';
import type { Line, MapReader } from './yamlSource.ts';

export interface AlertmanagerConfig {
  scheme: 'http' | 'https';
  /** Prefix for the API path, e.g. `/alertmanager`; '' when served at the root. */
  pathPrefix: string;
  timeoutMs: number;
  apiVersion: 'v1' | 'v2';
  http: HttpClientConfig;
  serviceDiscovery: SDConfig[];
  /** Applied to discovered Alertmanager targets (`__address__`, `__scheme__`, `__alerts_path__`). */
  relabelConfigs: RelabelConfig[];
  /** Applied to alerts sent to this Alertmanager only, after the global alert_relabel_configs. */
  alertRelabelConfigs: RelabelConfig[];
  line: Line;
}

export interface AlertingConfig {
  alertRelabelConfigs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export const EMPTY_ALERTING: AlertingConfig = { alertRelabelConfigs: [], alertmanagers: [] };

export function readAlertingConfig(m: MapReader | undefined, baseDir: string): AlertingConfig {
  if (!m) return EMPTY_ALERTING;
  const src = m.src;
  const alertRelabelConfigs = readRelabelConfigs(src, m.node('alert_relabel_configs'), 'alert_relabel_configs');
  const alertmanagers: AlertmanagerConfig[] = [];
  for (const n of m.list('alertmanagers')) {
    const am = readAlertmanager(m, n, baseDir);
    if (am) alertmanagers.push(am);
  }
  m.done();
  return { alertRelabelConfigs, alertmanagers };
}

function readAlertmanager(parent: MapReader, node: Node, baseDir: string): AlertmanagerConfig | undefined {
  const src = parent.src;
  const m = src.map(node, 'config.AlertmanagerConfig', 'alertmanagers');
  if (!m) return undefined;
  const scheme = m.string('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') m.error('scheme', `invalid value for scheme: must be 'http' or 'https', got ${JSON.stringify(scheme)}`);
  const pathPrefix = (m.string('path_prefix') ?? '').replace(/\/+$/, '');
  const timeoutMs = m.duration('timeout') ?? 10_000;
  const apiVersion = m.string('api_version') ?? 'v2';
  if (apiVersion !== 'v1' && apiVersion !== 'v2') m.error('api_version', `expected Alertmanager api version to be one of [v1 v2] but got ${JSON.stringify(apiVersion)}`);
  const http = readHttpClientConfig(m, baseDir);
  const serviceDiscovery = readSDConfigs(m, baseDir);
  const relabelConfigs = readRelabelConfigs(src, m.node('relabel_configs'), 'relabel_configs');
  const alertRelabelConfigs = readRelabelConfigs(src, m.node('alert_relabel_configs'), 'alert_relabel_configs');
  m.unsupported('sigv4', `sigv4 is not supported by promlite (line ${m.lineOf('sigv4')})`);
  m.done();
  return {
    scheme: scheme as 'http' | 'https',
    pathPrefix,
    timeoutMs,
    apiVersion: apiVersion as 'v1' | 'v2',
    http,
    serviceDiscovery,
    relabelConfigs,
    alertRelabelConfigs,
    line: m.line,
  };
}
