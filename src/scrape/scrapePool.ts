/**
 * All targets of one scrape config (job): turns discovered target groups into targets, starts
 * a loop per new target, stops removed ones (writing their stale markers), and keeps loops,
 * caches and health of targets that survive a discovery update or config reload.
 */
import type http from 'node:http';
import type { Clock } from '../clock.ts';
import { configFingerprint } from '../config/configDiff.ts';
import type { ScrapeConfig } from '../config/scrapeConfig.ts';
import type { TargetGroup } from '../config/targetGroup.ts';
import type { Appendable } from '../storage/interface.ts';
import type { Labels } from '../storage/labels.ts';
import { targetsFromGroup } from './discovery/targetLabels.ts';
import { acceptHeaderFor, createAgent, HttpScraper } from './httpScraper.ts';
import type { ScrapeCache } from './scrapeCache.ts';
import { ScrapeLoop, type SampleOptions, type ScrapeLogger, type ScrapeSource } from './scrapeLoop.ts';
import type { ScrapeScheduler } from './scrapeScheduler.ts';
import { Target, type TargetState } from './target.ts';

export interface PoolDeps {
  appendable: Appendable;
  clock: Clock;
  scheduler: ScrapeScheduler;
  logger?: ScrapeLogger;
  /** Override how a target is fetched (tests); default HTTP with the pool's keep-alive agent. */
  sourceFor?: (target: Target, cfg: ScrapeConfig) => ScrapeSource;
}

interface Running {
  loop: ScrapeLoop;
  unschedule: () => void;
}

export interface DroppedTarget {
  discoveredLabels: Labels;
  /** Why it was dropped: relabeling, or an error building it. */
  reason: string;
}

/** Config fields that change how sample labels are built: a change invalidates scrape caches. */
function labelsConfigChanged(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return a.honorLabels !== b.honorLabels || configFingerprint(a.metricRelabelConfigs) !== configFingerprint(b.metricRelabelConfigs);
}

function httpConfigChanged(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return (
    configFingerprint(a.http) !== configFingerprint(b.http) ||
    a.bodySizeLimitBytes !== b.bodySizeLimitBytes ||
    a.enableCompression !== b.enableCompression ||
    JSON.stringify(a.scrapeProtocols) !== JSON.stringify(b.scrapeProtocols)
  );
}

export class ScrapePool {
  private readonly running = new Map<string, Running>();
  private groups: TargetGroup[] = [];
  private dropped: DroppedTarget[] = [];
  private agent: Promise<http.Agent> | null = null;
  /** Health and caches of targets restarted by a reload, handed to their new loops. */
  private readonly carried = new Map<string, { state: TargetState; cache: ScrapeCache }>();

  constructor(
    private cfg: ScrapeConfig,
    private readonly deps: PoolDeps,
  ) {}

  get config(): ScrapeConfig {
    return this.cfg;
  }

  /** The job's full current target groups (discovery output) replace the previous ones. */
  setGroups(groups: TargetGroup[]): void {
    this.groups = groups;
    this.sync();
  }

  /** A new config for the same job: targets are rebuilt; unchanged ones keep loop, cache and state. */
  reload(cfg: ScrapeConfig): void {
    const restart = httpConfigChanged(this.cfg, cfg);
    const labelsChanged = labelsConfigChanged(this.cfg, cfg);
    this.cfg = cfg;
    if (restart) {
      for (const [key, r] of this.running) {
        r.unschedule();
        r.loop.stop(false);
        this.running.delete(key);
        if (labelsChanged) r.loop.cache.clear();
        this.carried.set(key, { state: r.loop.target.state, cache: r.loop.cache });
      }
      this.closeAgent();
    }
    this.sync();
  }

  private sync(): void {
    const wanted = new Map<string, Target>();
    const dropped: DroppedTarget[] = [];
    for (const g of this.groups) {
      for (const r of targetsFromGroup(g, this.cfg)) {
        if (r.kind === 'target') {
          const t = new Target(r.target);
          if (!wanted.has(t.key())) wanted.set(t.key(), t);
        } else if (r.kind === 'dropped') {
          dropped.push({ discoveredLabels: r.discoveredLabels, reason: 'relabeling' });
        } else {
          dropped.push({ discoveredLabels: r.discoveredLabels, reason: r.error });
          this.deps.logger?.warn({ job: this.cfg.jobName, err: r.error }, 'creating target failed');
        }
      }
    }
    this.dropped = dropped;
    const now = this.deps.clock.now();
    for (const [key, r] of this.running) {
      const next = wanted.get(key);
      if (next === undefined) {
        r.unschedule();
        r.loop.stop(true, now);
        this.running.delete(key);
      } else if (next.intervalMs !== r.loop.target.intervalMs || next.timeoutMs !== r.loop.target.timeoutMs) {
        r.unschedule();
        r.loop.stop(false, now);
        this.running.delete(key);
        this.carried.set(key, { state: r.loop.target.state, cache: r.loop.cache });
      } else {
        r.loop.reconfigure(this.sampleOptions());
      }
    }
    for (const [key, target] of wanted) {
      if (this.running.has(key)) continue;
      const carried = this.carried.get(key);
      if (carried) Object.assign(target.state, carried.state);
      this.start(key, target, carried?.cache);
    }
    this.carried.clear();
    const limit = this.cfg.targetLimit;
    const forced = limit > 0 && this.running.size > limit ? `target_limit exceeded (number of targets: ${this.running.size}, limit: ${limit})` : null;
    for (const r of this.running.values()) r.loop.forcedError = forced;
  }

  private sampleOptions(): SampleOptions {
    const c = this.cfg;
    return {
      honorLabels: c.honorLabels,
      honorTimestamps: c.honorTimestamps,
      limits: c,
      metricRelabelConfigs: c.metricRelabelConfigs,
    };
  }

  private start(key: string, target: Target, cache?: ScrapeCache): void {
    const source = this.deps.sourceFor ? this.deps.sourceFor(target, this.cfg) : this.httpSource(target);
    const loop = new ScrapeLoop({
      ...this.sampleOptions(),
      target,
      source,
      cache,
      appendable: this.deps.appendable,
      clock: this.deps.clock,
      logger: this.deps.logger,
    });
    const unschedule = this.deps.scheduler.add(key, target.intervalMs, (batch) => {
      loop.scrapeAndReport(batch).catch((e) => this.deps.logger?.warn({ err: String(e) }, 'scrape loop error'));
    });
    this.running.set(key, { loop, unschedule });
  }

  private httpSource(target: Target): ScrapeSource {
    if (target.url.protocol === 'https:') {
      this.agent ??= createAgent(target.url, this.cfg.http);
      this.agent.catch(() => {}); // the error surfaces on each scrape as the target's lastError
    }
    return new HttpScraper({
      url: target.url,
      agent: this.agent,
      timeoutMs: target.timeoutMs,
      bodySizeLimit: this.cfg.bodySizeLimitBytes,
      client: this.cfg.http,
      acceptHeader: acceptHeaderFor(this.cfg.scrapeProtocols),
      enableCompression: this.cfg.enableCompression,
    });
  }

  loops(): ScrapeLoop[] {
    return [...this.running.values()].map((r) => r.loop);
  }

  droppedTargets(): DroppedTarget[] {
    return this.dropped;
  }

  /** Stops every loop; `writeStale` when the job was removed from the config. */
  stop(writeStale: boolean): void {
    const now = this.deps.clock.now();
    for (const r of this.running.values()) {
      r.unschedule();
      r.loop.stop(writeStale, now);
    }
    this.running.clear();
    this.closeAgent();
  }

  private closeAgent(): void {
    const a = this.agent;
    this.agent = null;
    a?.then((agent) => agent.destroy()).catch(() => {});
  }
}
