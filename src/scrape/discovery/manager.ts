/**
 * Runs the discovery providers of every scrape job (or Alertmanager set) and reports the current
 * target groups per set name. `applyConfig` on reload starts only providers whose config is new
 * and stops only those no set uses any more: an unchanged job keeps its running providers (and
 * its targets) and gets no update. Identical discovery blocks in several jobs share one provider.
 */
import type { SDConfig } from '../../config/discoveryConfig.ts';
import { sdConfigFingerprint } from '../../config/configDiff.ts';
import type { TargetGroup } from '../../config/targetGroup.ts';
import { DnsProvider } from './dnsProvider.ts';
import { FileProvider } from './fileProvider.ts';
import { HttpProvider } from './httpProvider.ts';
import { silentLogger, type DiscoveryLogger, type DiscoveryProvider } from './provider.ts';
import { StaticProvider } from './staticProvider.ts';

export interface DiscoveryManagerOptions {
  /**
   * Called with the full current groups of every set that changed since the last call (a removed
   * set maps to []). Calls are coalesced: many provider updates in a burst make one call.
   */
  onUpdate: (changed: Map<string, TargetGroup[]>) => void;
  logger?: DiscoveryLogger;
  /** Builds a provider; override in tests or to add mechanisms. */
  createProvider?: (sd: SDConfig, logger: DiscoveryLogger) => DiscoveryProvider;
  /** Delay used to coalesce updates (default 0: the next macrotask). */
  updateDelayMs?: number;
}

export function createProvider(sd: SDConfig, logger: DiscoveryLogger): DiscoveryProvider {
  switch (sd.kind) {
    case 'static':
      return new StaticProvider(sd.groups);
    case 'file':
      return new FileProvider(sd, logger);
    case 'http':
      return new HttpProvider(sd, logger);
    case 'dns':
      return new DnsProvider(sd, logger);
  }
}

interface RunningProvider {
  provider: DiscoveryProvider;
  /** Current groups by source (empty groups removed). */
  groups: Map<string, TargetGroup>;
  subscribers: Set<string>;
}

export class DiscoveryManager {
  private readonly providers = new Map<string, RunningProvider>();
  /** Set name → fingerprints of its providers, in config order. */
  private readonly sets = new Map<string, string[]>();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly logger: DiscoveryLogger;

  constructor(private readonly opts: DiscoveryManagerOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** Replaces the configured sets (job name → discovery blocks). */
  applyConfig(sets: Map<string, readonly SDConfig[]>): void {
    if (this.stopped) throw new Error('DiscoveryManager is stopped');
    const nextSets = new Map<string, string[]>();
    for (const [name, sds] of sets) nextSets.set(name, [...new Set(sds.map(sdConfigFingerprint))]);

    // Sets that disappeared or whose provider list changed must be re-reported.
    for (const [name, fps] of this.sets) {
      const next = nextSets.get(name);
      if (!next || next.join('\n') !== fps.join('\n')) this.dirty.add(name);
      for (const fp of fps) this.providers.get(fp)?.subscribers.delete(name);
    }
    for (const name of nextSets.keys()) if (!this.sets.has(name)) this.dirty.add(name);

    this.sets.clear();
    for (const [name, fps] of nextSets) this.sets.set(name, fps);
    for (const [name, sds] of sets) {
      for (const sd of sds) {
        const fp = sdConfigFingerprint(sd);
        let running = this.providers.get(fp);
        if (!running) {
          running = { provider: (this.opts.createProvider ?? createProvider)(sd, this.logger), groups: new Map(), subscribers: new Set() };
          this.providers.set(fp, running);
          running.subscribers.add(name);
          const r = running;
          r.provider.start((groups) => this.onProviderUpdate(r, groups));
        } else {
          running.subscribers.add(name);
        }
      }
    }
    for (const [fp, running] of this.providers) {
      if (running.subscribers.size === 0) {
        running.provider.stop();
        this.providers.delete(fp);
      }
    }
    this.scheduleFlush();
  }

  /** Current groups of one set (non-empty groups only). */
  targetGroups(setName: string): TargetGroup[] {
    const out: TargetGroup[] = [];
    for (const fp of this.sets.get(setName) ?? []) {
      const running = this.providers.get(fp);
      if (running) out.push(...running.groups.values());
    }
    return out;
  }

  setNames(): string[] {
    return [...this.sets.keys()];
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    for (const r of this.providers.values()) r.provider.stop();
    this.providers.clear();
    this.sets.clear();
  }

  private onProviderUpdate(running: RunningProvider, groups: TargetGroup[]): void {
    if (this.stopped) return;
    for (const g of groups) {
      if (g.targets.length === 0) running.groups.delete(g.source);
      else running.groups.set(g.source, g);
    }
    for (const name of running.subscribers) this.dirty.add(name);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.dirty.size === 0) return;
    this.flushTimer = setTimeout(() => this.flush(), this.opts.updateDelayMs ?? 0);
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.stopped || this.dirty.size === 0) return;
    const changed = new Map<string, TargetGroup[]>();
    for (const name of this.dirty) changed.set(name, this.sets.has(name) ? this.targetGroups(name) : []);
    this.dirty.clear();
    try {
      this.opts.onUpdate(changed);
    } catch (err) {
      this.logger.error({ err }, 'discovery: update handler failed');
    }
  }
}

/** The discovery sets of a Prometheus config's scrape jobs, keyed by job name. */
export function scrapeDiscoverySets(scrapeConfigs: ReadonlyArray<{ jobName: string; serviceDiscovery: readonly SDConfig[] }>): Map<string, readonly SDConfig[]> {
  return new Map(scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscovery]));
}

/** The discovery sets of the Alertmanagers, keyed `config-<index>` as Prometheus names them. */
export function alertmanagerDiscoverySets(alertmanagers: ReadonlyArray<{ serviceDiscovery: readonly SDConfig[] }>): Map<string, readonly SDConfig[]> {
  return new Map(alertmanagers.map((am, i) => [`config-${i}`, am.serviceDiscovery]));
}
