/**
 * Service discovery blocks of a scrape config or alertmanager config: static_configs,
 * file_sd_configs, http_sd_configs and dns_sd_configs. Any other `*_sd_configs` key Prometheus
 * knows is rejected with a clear "not supported by promlite" error naming the line.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'yaml';
import { Labels } from '../storage/labels.ts';
import { type HttpClientConfig, readHttpClientConfig } from './httpClientConfig.ts';
import { isValidLabelName, isValidLabelValue } from './names.ts';
import type { TargetGroup } from './targetGroup.ts';
import type { MapReader, YamlSource } from './yamlSource.ts';

export type SDConfig = StaticSDConfig | FileSDConfig | HttpSDConfig | DnsSDConfig;

export interface StaticSDConfig {
  kind: 'static';
  groups: TargetGroup[];
}

export interface FileSDConfig {
  kind: 'file';
  /** Absolute paths; the last path element may hold glob characters (`*`, `?`, `[...]`). */
  files: string[];
  refreshIntervalMs: number;
}

export interface HttpSDConfig {
  kind: 'http';
  url: string;
  refreshIntervalMs: number;
  http: HttpClientConfig;
}

export type DnsRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

export interface DnsSDConfig {
  kind: 'dns';
  names: string[];
  type: DnsRecordType;
  /** Required for every type but SRV. */
  port: number;
  refreshIntervalMs: number;
}

/** Discovery mechanisms Prometheus has and promlite does not. */
export const UNSUPPORTED_SD_KEYS = [
  'azure_sd_configs',
  'consul_sd_configs',
  'digitalocean_sd_configs',
  'docker_sd_configs',
  'dockerswarm_sd_configs',
  'ec2_sd_configs',
  'eureka_sd_configs',
  'gce_sd_configs',
  'hetzner_sd_configs',
  'ionos_sd_configs',
  'kubernetes_sd_configs',
  'kuma_sd_configs',
  'lightsail_sd_configs',
  'linode_sd_configs',
  'marathon_sd_configs',
  'nerve_sd_configs',
  'nomad_sd_configs',
  'openstack_sd_configs',
  'ovhcloud_sd_configs',
  'puppetdb_sd_configs',
  'scaleway_sd_configs',
  'serverset_sd_configs',
  'triton_sd_configs',
  'uyuni_sd_configs',
  'vultr_sd_configs',
];

const FILE_SD_EXTENSIONS = /\.(json|ya?ml)$/;

/** Reads every discovery key of `m` (the caller calls `m.done()`). */
export function readSDConfigs(m: MapReader, baseDir: string): SDConfig[] {
  const src = m.src;
  const out: SDConfig[] = [];

  const staticNodes = m.list('static_configs');
  if (staticNodes.length > 0) {
    const groups: TargetGroup[] = [];
    staticNodes.forEach((n, i) => {
      const g = readStaticGroup(src, n, String(i));
      if (g) groups.push(g);
    });
    out.push({ kind: 'static', groups });
  }

  for (const n of m.list('file_sd_configs')) {
    const f = src.map(n, 'file.SDConfig', 'file_sd_configs');
    if (!f) continue;
    const files = f.stringList('files') ?? [];
    const refreshIntervalMs = f.duration('refresh_interval') ?? 5 * 60_000;
    f.done();
    if (files.length === 0) f.error('files', 'file service discovery config must contain at least one path name');
    for (const p of files) {
      if (!FILE_SD_EXTENSIONS.test(p)) f.error('files', `path name ${JSON.stringify(p)} is not valid for file discovery`);
    }
    out.push({ kind: 'file', files: files.map((p) => (isAbsolute(p) ? p : resolve(baseDir, p))), refreshIntervalMs });
  }

  for (const n of m.list('http_sd_configs')) {
    const h = src.map(n, 'http.SDConfig', 'http_sd_configs');
    if (!h) continue;
    const url = h.string('url');
    const refreshIntervalMs = h.duration('refresh_interval') ?? 60_000;
    const http = readHttpClientConfig(h, baseDir);
    h.done();
    if (!url) {
      h.error('url', 'URL is missing');
      continue;
    }
    if (!checkHttpUrl(h, 'url', url)) continue;
    out.push({ kind: 'http', url, refreshIntervalMs, http });
  }

  for (const n of m.list('dns_sd_configs')) {
    const d = src.map(n, 'dns.SDConfig', 'dns_sd_configs');
    if (!d) continue;
    const names = d.stringList('names') ?? [];
    const typeText = (d.string('type') ?? 'SRV').toUpperCase();
    const port = d.int('port', { min: 0 }) ?? 0;
    const refreshIntervalMs = d.duration('refresh_interval') ?? 30_000;
    d.done();
    if (names.length === 0) d.error('names', 'DNS-SD config must contain at least one SRV record name');
    if (!['SRV', 'A', 'AAAA', 'MX', 'NS'].includes(typeText)) {
      d.error('type', `invalid DNS-SD records type ${JSON.stringify(typeText)}`);
      continue;
    }
    if (typeText !== 'SRV' && port === 0) d.error('port', 'a port is required in DNS-SD configs for all record types except SRV');
    out.push({ kind: 'dns', names, type: typeText as DnsRecordType, port, refreshIntervalMs });
  }

  for (const k of UNSUPPORTED_SD_KEYS) {
    m.unsupported(
      k,
      `${k} is not supported by promlite (line ${m.lineOf(k)}); use static_configs, file_sd_configs, http_sd_configs or dns_sd_configs`,
    );
  }
  return out;
}

/** Checks an http(s) URL value; reports and returns false when invalid. */
export function checkHttpUrl(m: MapReader, key: string, value: string): boolean {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    m.error(key, `invalid value for ${key}: ${JSON.stringify(value)} is not a valid URL`);
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    m.error(key, `invalid value for ${key}: URL scheme must be 'http' or 'https'`);
    return false;
  }
  if (u.host === '') {
    m.error(key, `invalid value for ${key}: host is missing in URL`);
    return false;
  }
  return true;
}

function readStaticGroup(src: YamlSource, node: Node, source: string): TargetGroup | undefined {
  const m = src.map(node, 'targetgroup.Group', 'static_configs');
  if (!m) return undefined;
  const targets: Labels[] = [];
  const targetNodes = m.list('targets');
  for (const t of targetNodes) {
    const addr = src.scalarString(t, 'targets');
    if (addr === undefined) continue;
    if (addr.includes('/')) {
      src.error(t, `${JSON.stringify(addr)} is not a valid hostname`);
      continue;
    }
    targets.push(Labels.fromObject({ __address__: addr }));
  }
  const labelPairs: Array<[string, string]> = [];
  for (const l of m.stringMap('labels') ?? []) {
    if (!isValidLabelName(l.name)) src.error(l.line, `${JSON.stringify(l.name)} is not a valid label name`);
    else if (!isValidLabelValue(l.value)) src.error(l.line, `${JSON.stringify(l.value)} is not a valid label value`);
    else labelPairs.push([l.name, l.value]);
  }
  m.done();
  return { source, targets, labels: Labels.fromPairs(labelPairs) };
}
