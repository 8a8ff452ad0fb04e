/**
 * The scrape side of promlite: one ScrapePool per scrape config, fed by applyConfig (config
 * load/reload) and updateTargets (service discovery). Read side for the API: targets(),
 * scrapePools(), metadata() and targetMetadata().
 */
import { type Clock, systemClock } from '../clock.ts';
import { configFingerprint } from '../config/configDiff.ts';
import type { Appendable } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import type { MetricType } from './expositionParser.ts';
import type { ScrapeConfig } from '../config/scrapeConfig.ts';
import type { TargetGroup } from '../config/targetGroup.ts';
import type { MetricMetadata } from './scrapeCache.ts';
import type { ScrapeLogger } from './scrapeLoop.ts';
import { ScrapePool, type PoolDeps } from './scrapePool.ts';
import { ScrapeScheduler, type TimerApi } from './scrapeScheduler.ts';
import type { TargetHealth } from './target.ts';

export interface ScrapeManagerOptions {
  appendable: Appendable;
  clock?: Clock;
  timers?: TimerApi;
  logger?: ScrapeLogger;
  sourceFor?: PoolDeps['sourceFor'];
}

/** One active target as /api/v1/targets reports it. */
export interface ActiveTarget {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  health: TargetHealth;
  /** ms since epoch; 0 = never scraped. */
  lastScrape: number;
  lastScrapeDuration: number;
  lastError: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
}

export interface TargetMetadata {
  target: Labels;
  metric: string;
  type: MetricType;
  help: string;
  unit: string;
}

export class ScrapeManager {
  private readonly pools = new Map<string, ScrapePool>();
  private readonly scheduler: ScrapeScheduler;
  private readonly deps: PoolDeps;
  /** Discovery updates for jobs, kept so a pool re-created by a reload gets its targets back. */
  private readonly discovered = new Map<string, TargetGroup[]>();

  constructor(opts: ScrapeManagerOptions) {
    const clock = opts.clock ?? systemClock;
    this.scheduler = new ScrapeScheduler(clock, opts.timers);
    this.deps = {
      appendable: opts.appendable,
      clock,
      scheduler: this.scheduler,
      logger: opts.logger,
      sourceFor: opts.sourceFor,
    };
  }

  /**
   * Applies a (re)loaded config: new jobs start (with targets discovery already reported),
   * removed jobs stop with stale markers, changed jobs reload keeping unchanged targets.
   */
  applyConfig(configs: readonly ScrapeConfig[]): void {
    const names = new Set(configs.map((c) => c.jobName));
    for (const [name, pool] of this.pools) {
      if (!names.has(name)) {
        pool.stop(true);
        this.pools.delete(name);
      }
    }
    for (const cfg of configs) {
      const pool = this.pools.get(cfg.jobName);
      if (pool) {
        if (configFingerprint(pool.config) !== configFingerprint(cfg)) pool.reload(cfg);
        continue;
      }
      const p = new ScrapePool(cfg, this.deps);
      this.pools.set(cfg.jobName, p);
      p.setGroups(this.discovered.get(cfg.jobName) ?? []);
    }
  }

  /**
   * Discovery output (DiscoveryManager onUpdate): for each changed job, its full current
   * target groups. A job not (yet) in the config is remembered for when it appears.
   */
  updateTargets(changed: ReadonlyMap<string, TargetGroup[]>): void {
    for (const [job, groups] of changed) {
      this.discovered.set(job, groups);
      this.pools.get(job)?.setGroups(groups);
    }
  }

  scrapePools(): string[] {
    return [...this.pools.keys()].sort();
  }

  targets(): { active: ActiveTarget[]; dropped: Array<{ discoveredLabels: Labels; scrapePool: string }> } {
    const active: ActiveTarget[] = [];
    const dropped: Array<{ discoveredLabels: Labels; scrapePool: string }> = [];
    for (const [name, pool] of this.pools) {
      for (const loop of pool.loops()) {
        const t = loop.target;
        active.push({
          discoveredLabels: t.discoveredLabels,
          labels: t.labels,
          scrapePool: name,
          scrapeUrl: t.url.href,
          health: t.state.health,
          lastScrape: t.state.lastScrape,
          lastScrapeDuration: t.state.lastScrapeDurationSeconds,
          lastError: t.state.lastError,
          scrapeIntervalMs: t.intervalMs,
          scrapeTimeoutMs: t.timeoutMs,
        });
      }
      for (const d of pool.droppedTargets()) dropped.push({ discoveredLabels: d.discoveredLabels, scrapePool: name });
    }
    return { active, dropped };
  }

  /**
   * /api/v1/metadata: metric family name → distinct metadata across all targets, optionally
   * for one metric and at most `limit` metrics.
   */
  metadata(metric?: string, limit?: number): Record<string, MetricMetadata[]> {
    const out = new Map<string, Map<string, MetricMetadata>>();
    for (const pool of this.pools.values()) {
      for (const loop of pool.loops()) {
        for (const [name, m] of loop.cache.metadata()) {
          if (metric !== undefined && metric !== '' && name !== metric) continue;
          let byKey = out.get(name);
          if (!byKey) {
            if (limit !== undefined && limit >= 0 && out.size >= limit) continue;
            byKey = new Map();
            out.set(name, byKey);
          }
          byKey.set(`${m.type}\u0000${m.help}\u0000${m.unit}`, m);
        }
      }
    }
    const res: Record<string, MetricMetadata[]> = {};
    for (const [name, byKey] of out) res[name] = [...byKey.values()];
    return res;
  }

  /** /api/v1/targets/metadata: metadata per target, filtered by the caller's target matcher. */
  targetMetadata(matchTarget: (labels: Labels) => boolean, metric?: string): TargetMetadata[] {
    const res: TargetMetadata[] = [];
    for (const pool of this.pools.values()) {
      for (const loop of pool.loops()) {
        if (!matchTarget(loop.target.labels)) continue;
        for (const [name, m] of loop.cache.metadata()) {
          if (metric !== undefined && metric !== '' && name !== metric) continue;
          res.push({ target: loop.target.labels, metric: name, ...m });
        }
      }
    }
    return res;
  }

  /** Stops all scraping (shutdown: no stale markers, as Prometheus). */
  stop(): void {
    for (const pool of this.pools.values()) pool.stop(false);
    this.pools.clear();
    this.scheduler.stop();
  }
}
