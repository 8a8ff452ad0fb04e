/** `remote_write:` and `remote_read:` entries. */
import type { Node } from 'yaml';
import { checkHttpUrl } from './discoveryConfig.ts';
import { readHttpClientConfig, type HttpClientConfig } from './httpClientConfig.ts';
import { readRelabelConfigs, type RelabelConfig } from './relabelConfig.ts';
import type { Line, MapReader, YamlSource } from './yamlSource.ts';

export interface QueueConfig {
  capacity: number;
  maxShards: number;
  minShards: number;
  maxSamplesPerSend: number;
  batchSendDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  retryOnHttp429: boolean;
  /** 0 = samples never age out of the queue. */
  sampleAgeLimitMs: number;
}

export interface MetadataConfig {
  send: boolean;
  sendIntervalMs: number;
  maxSamplesPerSend: number;
}

export interface RemoteWriteConfig {
  url: string;
  /** Unique among remote_write entries; '' when not set. */
  name: string;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  writeRelabelConfigs: RelabelConfig[];
  sendExemplars: boolean;
  http: HttpClientConfig;
  queue: QueueConfig;
  metadata: MetadataConfig;
  line: Line;
}

export interface RemoteReadConfig {
  url: string;
  name: string;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  readRecent: boolean;
  requiredMatchers: Record<string, string>;
  filterExternalLabels: boolean;
  http: HttpClientConfig;
  line: Line;
}

export const DEFAULT_QUEUE: QueueConfig = {
  capacity: 2500,
  maxShards: 200,
  minShards: 1,
  maxSamplesPerSend: 500,
  batchSendDeadlineMs: 5000,
  minBackoffMs: 30,
  maxBackoffMs: 5000,
  retryOnHttp429: true,
  sampleAgeLimitMs: 0,
};

export const DEFAULT_METADATA: MetadataConfig = { send: true, sendIntervalMs: 60_000, maxSamplesPerSend: 500 };

/** Headers Prometheus sets itself; a config must not override them. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'retry-after',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
]);

function readHeaders(m: MapReader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of m.stringMap('headers') ?? []) {
    if (RESERVED_HEADERS.has(h.name.toLowerCase())) m.src.error(h.line, `${h.name} is a reserved header. It must not be changed`);
    else out[h.name] = h.value;
  }
  return out;
}

function readUrl(m: MapReader, what: string): string | undefined {
  const url = m.string('url');
  if (!url) {
    m.error('url', `url for ${what} is empty`);
    return undefined;
  }
  return checkHttpUrl(m, 'url', url) ? url : undefined;
}

function unsupportedAuth(m: MapReader): void {
  for (const k of ['sigv4', 'azuread', 'google_iam']) m.unsupported(k, `${k} is not supported by promlite (line ${m.lineOf(k)})`);
}

export function readRemoteWriteConfigs(src: YamlSource, list: Node | null, baseDir: string): RemoteWriteConfig[] {
  const out: RemoteWriteConfig[] = [];
  const names = new Map<string, Line>();
  for (const n of src.seq(list, 'remote_write')) {
    const m = src.map(n, 'config.RemoteWriteConfig', 'remote_write');
    if (!m) continue;
    const errorsBefore = src.errors.length;
    const url = readUrl(m, 'remote_write');
    const name = m.string('name') ?? '';
    if (name !== '') {
      if (names.has(name)) m.error('name', `found multiple remote write configs with job name ${JSON.stringify(name)}`);
      names.set(name, m.lineOf('name'));
    }
    const remoteTimeoutMs = m.duration('remote_timeout') ?? 30_000;
    const headers = readHeaders(m);
    const writeRelabelConfigs = readRelabelConfigs(src, m.node('write_relabel_configs'), 'write_relabel_configs');
    const sendExemplars = m.bool('send_exemplars') ?? false;
    m.ignore('send_native_histograms', 'send_native_histograms is ignored by promlite (native histograms are not stored)');
    m.ignore('round_robin_dns');
    m.ignore('protobuf_message');
    const http = readHttpClientConfig(m, baseDir);
    unsupportedAuth(m);

    const queue = { ...DEFAULT_QUEUE };
    const q = m.map('queue_config', 'config.QueueConfig');
    if (q) {
      queue.capacity = q.int('capacity', { min: 0 }) ?? queue.capacity;
      queue.maxShards = q.int('max_shards', { min: 0 }) ?? queue.maxShards;
      queue.minShards = q.int('min_shards', { min: 0 }) ?? queue.minShards;
      queue.maxSamplesPerSend = q.int('max_samples_per_send', { min: 0 }) ?? queue.maxSamplesPerSend;
      queue.batchSendDeadlineMs = q.duration('batch_send_deadline') ?? queue.batchSendDeadlineMs;
      queue.minBackoffMs = q.duration('min_backoff') ?? queue.minBackoffMs;
      queue.maxBackoffMs = q.duration('max_backoff') ?? queue.maxBackoffMs;
      queue.retryOnHttp429 = q.bool('retry_on_http_429') ?? queue.retryOnHttp429;
      queue.sampleAgeLimitMs = q.duration('sample_age_limit') ?? queue.sampleAgeLimitMs;
      q.done();
    }
    const metadata = { ...DEFAULT_METADATA };
    const md = m.map('metadata_config', 'config.MetadataConfig');
    if (md) {
      metadata.send = md.bool('send') ?? metadata.send;
      metadata.sendIntervalMs = md.duration('send_interval') ?? metadata.sendIntervalMs;
      metadata.maxSamplesPerSend = md.int('max_samples_per_send', { min: 0 }) ?? metadata.maxSamplesPerSend;
      md.done();
    }
    m.done();
    if (url === undefined || src.errors.length > errorsBefore) continue;
    out.push({ url, name, remoteTimeoutMs, headers, writeRelabelConfigs, sendExemplars, http, queue, metadata, line: m.line });
  }
  return out;
}

export function readRemoteReadConfigs(src: YamlSource, list: Node | null, baseDir: string): RemoteReadConfig[] {
  const out: RemoteReadConfig[] = [];
  const names = new Set<string>();
  for (const n of src.seq(list, 'remote_read')) {
    const m = src.map(n, 'config.RemoteReadConfig', 'remote_read');
    if (!m) continue;
    const errorsBefore = src.errors.length;
    const url = readUrl(m, 'remote_read');
    const name = m.string('name') ?? '';
    if (name !== '') {
      if (names.has(name)) m.error('name', `found multiple remote read configs with job name ${JSON.stringify(name)}`);
      names.add(name);
    }
    const remoteTimeoutMs = m.duration('remote_timeout') ?? 60_000;
    const headers = readHeaders(m);
    const readRecent = m.bool('read_recent') ?? false;
    const requiredMatchers: Record<string, string> = {};
    for (const r of m.stringMap('required_matchers') ?? []) requiredMatchers[r.name] = r.value;
    const filterExternalLabels = m.bool('filter_external_labels') ?? true;
    const http = readHttpClientConfig(m, baseDir);
    unsupportedAuth(m);
    m.done();
    if (url === undefined || src.errors.length > errorsBefore) continue;
    out.push({ url, name, remoteTimeoutMs, headers, readRecent, requiredMatchers, filterExternalLabels, http, line: m.line });
  }
  return out;
}
