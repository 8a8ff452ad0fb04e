/** Shared fixtures for the scrape loop/pool tests: a loop over MemoryStorage and a fake source. */
import { ManualClock } from '../../../src/clock.ts';
import { parsePrometheusConfig } from '../../../src/config/prometheusConfig.ts';
import type { ScrapeConfig } from '../../../src/config/scrapeConfig.ts';
import { populateTargetLabels } from '../../../src/scrape/discovery/targetLabels.ts';
import type { ScrapeResponse } from '../../../src/scrape/httpScraper.ts';
import { ScrapeLoop } from '../../../src/scrape/scrapeLoop.ts';
import { Target } from '../../../src/scrape/target.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { isStaleNaN } from '../../../src/storage/staleMarker.ts';

export const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
export const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export function scrapeConfig(extraYaml = ''): ScrapeConfig {
  const yaml = `scrape_configs:\n  - job_name: job\n    scrape_interval: 10s\n    static_configs: [{targets: ['host:9100'], labels: {env: prod}}]\n${extraYaml
    .split('\n')
    .map((l) => (l ? '    ' + l : l))
    .join('\n')}`;
  return parsePrometheusConfig(yaml).scrapeConfigs[0];
}

export function targetFor(cfg: ScrapeConfig, address = 'host:9100', extra: Record<string, string> = {}): Target {
  const r = populateTargetLabels(Labels.fromObject({ env: 'prod' }), Labels.fromObject({ __address__: address, ...extra }), cfg);
  if (r.kind !== 'target') throw new Error(`no target: ${JSON.stringify(r)}`);
  return new Target(r.target);
}

/** A loop whose source returns the queued bodies (or throws queued errors) in turn. */
export function loopWith(cfg: ScrapeConfig) {
  const storage = new MemoryStorage();
  const clock = new ManualClock(1_700_000_000_000);
  const queue: Array<ScrapeResponse | Error> = [];
  const target = targetFor(cfg);
  const loop = new ScrapeLoop({
    honorLabels: cfg.honorLabels,
    honorTimestamps: cfg.honorTimestamps,
    limits: cfg,
    metricRelabelConfigs: cfg.metricRelabelConfigs,
    target,
    appendable: storage,
    clock,
    source: {
      scrape: async () => {
        const next = queue.shift();
        if (next === undefined) throw new Error('test queued no response');
        if (next instanceof Error) throw next;
        return next;
      },
    },
  });
  /** Queues a body, runs one scrape, then advances the clock by the interval. */
  async function scrape(body: string | Buffer | Error, contentType = TEXT): Promise<void> {
    queue.push(body instanceof Error ? body : { body: Buffer.from(body), contentType });
    await loop.scrapeAndReport();
    clock.advance(cfg.scrapeIntervalMs);
  }
  return { storage, clock, loop, target, scrape };
}

/** All samples of series matching `{__name__=name}` as label-string → [[t, v | 'stale']]. */
export function samplesOf(storage: MemoryStorage, name: string): Map<string, Array<[number, number | 'stale']>> {
  const q = storage.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', name)]);
  const out = new Map<string, Array<[number, number | 'stale']>>();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const pts: Array<[number, number | 'stale']> = [];
    while (it.next()) pts.push([it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV()]);
    out.set(s.labels.toString(), pts);
  }
  q.close();
  return out;
}

/** The values of one report series (e.g. `up`) over time. */
export function reportValues(storage: MemoryStorage, name: string): Array<number | 'stale'> {
  const m = samplesOf(storage, name);
  assert1(m.size === 1, `expected one ${name} series, got ${m.size}`);
  return [...m.values()][0].map((p) => p[1]);
}

function assert1(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}
