/** One entry of `scrape_configs`, with global defaults applied and Prometheus's checks. */
import type { Node } from 'yaml';
import { readSDConfigs, type SDConfig } from './discoveryConfig.ts';
import { readLimits, type GlobalConfig, type ScrapeLimits } from './globalConfig.ts';
import { readHttpClientConfig, type HttpClientConfig } from './httpClientConfig.ts';
import { readRelabelConfigs, type RelabelConfig } from './relabelConfig.ts';
import type { Line, YamlSource } from './yamlSource.ts';

export interface ScrapeConfig extends ScrapeLimits {
  jobName: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  metricsPath: string;
  scheme: 'http' | 'https';
  /** URL query parameters; each may repeat. */
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  http: HttpClientConfig;
  /** Discovery blocks in config order (static first). */
  serviceDiscovery: SDConfig[];
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  /** Exposition formats to offer, in preference order (Prometheus `scrape_protocols`), or undefined for the default. */
  scrapeProtocols?: string[];
  enableCompression: boolean;
  /** Line of the entry in the config file (for messages; ignored when comparing configs). */
  line: Line;
}

const SCRAPE_PROTOCOLS = ['PrometheusProto', 'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusText0.0.4', 'PrometheusText1.0.0'];

export function readScrapeConfig(src: YamlSource, node: Node, global: GlobalConfig, baseDir: string): ScrapeConfig | undefined {
  const m = src.map(node, 'config.ScrapeConfig', 'scrape_configs');
  if (!m) return undefined;
  const errorsBefore = src.errors.length;
  const jobName = m.string('job_name') ?? '';
  if (jobName === '') m.error('job_name', 'job_name is empty');

  // As in Prometheus, 0 means "not set": the global value applies.
  const scrapeIntervalMs = m.duration('scrape_interval') || global.scrapeIntervalMs;
  let scrapeTimeoutMs = m.duration('scrape_timeout') || undefined;
  if (scrapeTimeoutMs !== undefined && scrapeTimeoutMs > scrapeIntervalMs) {
    m.error('scrape_timeout', `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(jobName)}`);
  }
  scrapeTimeoutMs ??= Math.min(global.scrapeTimeoutMs, scrapeIntervalMs);

  const metricsPath = m.string('metrics_path') ?? '/metrics';
  const scheme = m.string('scheme') ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') m.error('scheme', `invalid value for scheme: must be 'http' or 'https', got ${JSON.stringify(scheme)}`);

  const params: Record<string, string[]> = {};
  const pm = m.map('params', 'url.Values');
  if (pm) {
    for (const k of pm.keys()) params[k] = pm.stringList(k) ?? [];
    pm.done();
  }

  const honorLabels = m.bool('honor_labels') ?? false;
  const honorTimestamps = m.bool('honor_timestamps') ?? true;
  const http = readHttpClientConfig(m, baseDir);
  const serviceDiscovery = readSDConfigs(m, baseDir);
  const relabelConfigs = readRelabelConfigs(src, m.node('relabel_configs'), 'relabel_configs');
  const metricRelabelConfigs = readRelabelConfigs(src, m.node('metric_relabel_configs'), 'metric_relabel_configs');
  const limits = readLimits(m, global.limits);

  const scrapeProtocols = m.stringList('scrape_protocols');
  for (const p of scrapeProtocols ?? []) {
    if (!SCRAPE_PROTOCOLS.includes(p)) m.error('scrape_protocols', `unknown scrape protocol ${JSON.stringify(p)}, supported: ${SCRAPE_PROTOCOLS.join(', ')}`);
  }
  const enableCompression = m.bool('enable_compression') ?? true;
  // Newer Prometheus keys that change nothing here (promlite stores no native histograms).
  m.ignore('keep_dropped_targets');
  for (const k of ['scrape_classic_histograms', 'always_scrape_classic_histograms', 'native_histogram_bucket_limit', 'native_histogram_min_bucket_factor', 'convert_classic_histograms_to_nhcb']) {
    m.ignore(k, `${k} is ignored by promlite (native histograms are not stored)`);
  }
  m.ignore('track_timestamps_staleness', 'track_timestamps_staleness is ignored by promlite');
  m.ignore('fallback_scrape_protocol');
  m.ignore('metric_name_validation_scheme', 'metric_name_validation_scheme is ignored by promlite (legacy names are used)');
  m.unsupported('scrape_failure_log_file', `scrape_failure_log_file is not supported by promlite (line ${m.lineOf('scrape_failure_log_file')})`);
  m.done();
  if (src.errors.length > errorsBefore) return undefined;
  return {
    jobName,
    scrapeIntervalMs,
    scrapeTimeoutMs,
    metricsPath,
    scheme: scheme as 'http' | 'https',
    params,
    honorLabels,
    honorTimestamps,
    http,
    serviceDiscovery,
    relabelConfigs,
    metricRelabelConfigs,
    ...limits,
    scrapeProtocols,
    enableCompression,
    line: m.line,
  };
}
