/** The `global:` block and the scrape defaults it gives every scrape config. */
import { Labels } from '../storage/labels.ts';
import { isValidLabelName, isValidLabelValue } from './names.ts';
import type { MapReader } from './yamlSource.ts';

export interface GlobalConfig {
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  evaluationIntervalMs: number;
  externalLabels: Labels;
  /** Defaults for the per-job limits (0 = unlimited), as newer Prometheus versions allow. */
  limits: ScrapeLimits;
}

export interface ScrapeLimits {
  sampleLimit: number;
  targetLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  /** 0 = unlimited. */
  bodySizeLimitBytes: number;
}

export const NO_LIMITS: ScrapeLimits = {
  sampleLimit: 0,
  targetLimit: 0,
  labelLimit: 0,
  labelNameLengthLimit: 0,
  labelValueLengthLimit: 0,
  bodySizeLimitBytes: 0,
};

export const DEFAULT_GLOBAL: GlobalConfig = {
  scrapeIntervalMs: 60_000,
  scrapeTimeoutMs: 10_000,
  evaluationIntervalMs: 60_000,
  externalLabels: Labels.EMPTY,
  limits: NO_LIMITS,
};

/** Reads the limit keys shared by `global` and scrape configs, falling back to `defaults`. */
export function readLimits(m: MapReader, defaults: ScrapeLimits): ScrapeLimits {
  return {
    sampleLimit: m.int('sample_limit', { min: 0 }) ?? defaults.sampleLimit,
    targetLimit: m.int('target_limit', { min: 0 }) ?? defaults.targetLimit,
    labelLimit: m.int('label_limit', { min: 0 }) ?? defaults.labelLimit,
    labelNameLengthLimit: m.int('label_name_length_limit', { min: 0 }) ?? defaults.labelNameLengthLimit,
    labelValueLengthLimit: m.int('label_value_length_limit', { min: 0 }) ?? defaults.labelValueLengthLimit,
    bodySizeLimitBytes: m.bytes('body_size_limit') ?? defaults.bodySizeLimitBytes,
  };
}

export function readGlobalConfig(m: MapReader | undefined): GlobalConfig {
  if (!m) return DEFAULT_GLOBAL;
  // As in Prometheus, 0 means "not set".
  const scrapeIntervalMs = m.duration('scrape_interval') || DEFAULT_GLOBAL.scrapeIntervalMs;
  let scrapeTimeoutMs = m.duration('scrape_timeout') || undefined;
  if (scrapeTimeoutMs !== undefined && scrapeTimeoutMs > scrapeIntervalMs) {
    m.error('scrape_timeout', 'global scrape timeout greater than scrape interval');
  }
  // An unset timeout is 10s, but never more than the interval.
  scrapeTimeoutMs ??= Math.min(DEFAULT_GLOBAL.scrapeTimeoutMs, scrapeIntervalMs);
  const evaluationIntervalMs = m.duration('evaluation_interval') || DEFAULT_GLOBAL.evaluationIntervalMs;

  const pairs: Array<[string, string]> = [];
  for (const l of m.stringMap('external_labels') ?? []) {
    if (!isValidLabelName(l.name) || l.name === '__name__') m.src.error(l.line, `${JSON.stringify(l.name)} is not a valid label name`);
    else if (!isValidLabelValue(l.value)) m.src.error(l.line, `${JSON.stringify(l.value)} is not a valid label value`);
    else pairs.push([l.name, l.value]);
  }
  const limits = readLimits(m, NO_LIMITS);
  m.ignore('query_log_file', 'query_log_file is ignored by promlite');
  m.ignore('keep_dropped_targets');
  m.ignore('scrape_protocols');
  m.ignore('rule_query_offset', 'rule_query_offset is ignored by promlite');
  m.ignore('metric_name_validation_scheme', 'metric_name_validation_scheme is ignored by promlite (legacy names are used)');
  m.done();
  return { scrapeIntervalMs, scrapeTimeoutMs, evaluationIntervalMs, externalLabels: Labels.fromPairs(pairs), limits };
}
