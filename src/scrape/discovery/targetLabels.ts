/**
 * From a discovered target to a scrape target, as Prometheus's PopulateLabels: add the job's
 * defaults (`job`, `__address__` port, `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
 * `__scrape_timeout__`, `__param_<name>`), apply relabel_configs, validate, drop `__meta_*` /
 * `__tmp_*`, default `instance` to the address.
 */
import type { ScrapeConfig } from '../../config/scrapeConfig.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { DurationError, formatDuration, parseDuration } from '../../config/duration.ts';
import { isValidLabelValue } from '../../config/names.ts';
import { Labels, LabelsBuilder } from '../../storage/labels.ts';
import { relabelBuilder } from '../relabel.ts';

export const ADDRESS_LABEL = '__address__';
export const SCHEME_LABEL = '__scheme__';
export const METRICS_PATH_LABEL = '__metrics_path__';
export const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
export const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';
export const PARAM_LABEL_PREFIX = '__param_';
export const META_LABEL_PREFIX = '__meta_';
export const TMP_LABEL_PREFIX = '__tmp_';

export interface ScrapeTarget {
  /** The target's public labels (no `__` names): attached to every scraped series. */
  labels: Labels;
  /** After relabeling, still with `__address__`, `__scheme__`, `__param_*`…; identifies the target. */
  scrapeLabels: Labels;
  /** Labels as discovered, before relabeling (for /api/v1/targets). */
  discoveredLabels: Labels;
  /** What to GET: scheme://address/metrics_path?params. */
  url: string;
  intervalMs: number;
  timeoutMs: number;
}

export type PopulateResult =
  | { kind: 'target'; target: ScrapeTarget }
  /** relabel_configs dropped it (Prometheus lists these as dropped targets). */
  | { kind: 'dropped'; discoveredLabels: Labels }
  | { kind: 'error'; discoveredLabels: Labels; error: string };

/** Every target of a group; a target's own labels win over the group's. */
export function targetsFromGroup(group: TargetGroup, sc: ScrapeConfig): PopulateResult[] {
  return group.targets.map((t) => populateTargetLabels(group.labels, t, sc));
}

export function populateTargetLabels(groupLabels: Labels, target: Labels, sc: ScrapeConfig): PopulateResult {
  const lb = new LabelsBuilder(groupLabels);
  target.forEach((n, v) => lb.set(n, v));
  const defaults: Array<[string, string]> = [
    ['job', sc.jobName],
    [SCRAPE_INTERVAL_LABEL, formatDuration(sc.scrapeIntervalMs)],
    [SCRAPE_TIMEOUT_LABEL, formatDuration(sc.scrapeTimeoutMs)],
    [METRICS_PATH_LABEL, sc.metricsPath],
    [SCHEME_LABEL, sc.scheme],
  ];
  for (const [n, v] of defaults) if (lb.get(n) === '') lb.set(n, v);
  for (const [k, vs] of Object.entries(sc.params)) if (vs.length > 0) lb.set(PARAM_LABEL_PREFIX + k, vs[0]);
  const discoveredLabels = lb.labels();

  if (!relabelBuilder(lb, sc.relabelConfigs)) return { kind: 'dropped', discoveredLabels };
  const fail = (error: string): PopulateResult => ({ kind: 'error', discoveredLabels, error });

  let addr = lb.get(ADDRESS_LABEL);
  if (addr === '') return fail('no address');
  // Prometheus 2.x gives an address without a port the scheme's default port.
  if (needsPort(addr)) {
    const scheme = lb.get(SCHEME_LABEL);
    if (scheme === 'http' || scheme === '') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else return fail(`invalid scheme: ${JSON.stringify(scheme)}`);
    lb.set(ADDRESS_LABEL, addr);
  }
  if (addr.includes('/')) return fail(`${JSON.stringify(addr)} is not a valid hostname`);

  const interval = lb.get(SCRAPE_INTERVAL_LABEL);
  const timeout = lb.get(SCRAPE_TIMEOUT_LABEL);
  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDuration(interval);
  } catch (e) {
    if (e instanceof DurationError) return fail(`error parsing scrape interval: ${e.message}`);
    throw e;
  }
  if (intervalMs === 0) return fail('scrape interval cannot be 0');
  try {
    timeoutMs = parseDuration(timeout);
  } catch (e) {
    if (e instanceof DurationError) return fail(`error parsing scrape timeout: ${e.message}`);
    throw e;
  }
  if (timeoutMs === 0) return fail('scrape timeout cannot be 0');
  if (timeoutMs > intervalMs) {
    return fail(`scrape timeout cannot be greater than scrape interval (${JSON.stringify(timeout)} > ${JSON.stringify(interval)})`);
  }

  const internal: string[] = [];
  lb.forEach((n) => {
    if (n.startsWith(META_LABEL_PREFIX) || n.startsWith(TMP_LABEL_PREFIX)) internal.push(n);
  });
  lb.del(...internal);
  if (lb.get('instance') === '') lb.set('instance', addr);

  const scrapeLabels = lb.labels();
  for (let i = 0; i < scrapeLabels.size; i++) {
    if (!isValidLabelValue(scrapeLabels.valueAt(i))) {
      return fail(`invalid label value for ${JSON.stringify(scrapeLabels.nameAt(i))}: ${JSON.stringify(scrapeLabels.valueAt(i))}`);
    }
  }
  const publicNames = scrapeLabels.labelNames().filter((n) => !n.startsWith('__'));
  return {
    kind: 'target',
    target: {
      labels: scrapeLabels.keep(publicNames),
      scrapeLabels,
      discoveredLabels,
      url: targetUrl(scrapeLabels, sc.params),
      intervalMs,
      timeoutMs,
    },
  };
}

/** The scrape URL: `__param_<name>` labels override the first value of that config param. */
export function targetUrl(scrapeLabels: Labels, params: Record<string, string[]>): string {
  const q = new Map<string, string[]>();
  for (const [k, vs] of Object.entries(params)) q.set(k, [...vs]);
  scrapeLabels.forEach((n, v) => {
    if (!n.startsWith(PARAM_LABEL_PREFIX)) return;
    const k = n.slice(PARAM_LABEL_PREFIX.length);
    const vs = q.get(k);
    if (vs && vs.length > 0) vs[0] = v;
    else q.set(k, [v]);
  });
  const query = [...q.keys()]
    .sort()
    .flatMap((k) => q.get(k)!.map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
    .join('&');
  let path = scrapeLabels.get(METRICS_PATH_LABEL);
  if (!path.startsWith('/')) path = '/' + path;
  // Like Go's url.URL.EscapedPath: reserved path characters stay, `?` and `#` must not.
  const escapedPath = encodeURI(path).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
  return `${scrapeLabels.get(SCHEME_LABEL)}://${scrapeLabels.get(ADDRESS_LABEL)}${escapedPath}${query ? '?' + query : ''}`;
}

/** Go's url.QueryEscape: unreserved characters stay, space is `+`, everything else %XX. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g, '+');
}

/** Whether the address lacks a port but would be valid with one (Go's net.SplitHostPort). */
function needsPort(addr: string): boolean {
  return splitHostPortOk(addr) ? false : splitHostPortOk(addr + ':1234');
}

function splitHostPortOk(s: string): boolean {
  const last = s.lastIndexOf(':');
  if (last < 0) return false;
  if (s[0] === '[') {
    const close = s.indexOf(']');
    if (close < 0) return false;
    if (close + 1 !== last) return false; // `[::1]` without port, or junk after `]`
    return !s.slice(close + 1).includes('[') && !s.slice(0, close).slice(1).includes('[');
  }
  const host = s.slice(0, last);
  return !host.includes(':') && !host.includes('[') && !host.includes(']');
}
