/**
 * A scrape target: what discovery + relabel_configs made of it (discovery/targetLabels.ts) and
 * the mutable health record `/api/v1/targets` shows, which survives reloads that keep the target.
 */
import type { Labels } from '../storage/labels.ts';
import type { ScrapeTarget } from './discovery/targetLabels.ts';

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface TargetState {
  health: TargetHealth;
  /** ms since epoch of the last scrape's start, 0 before the first. */
  lastScrape: number;
  lastScrapeDurationSeconds: number;
  lastError: string;
}

export class Target {
  readonly state: TargetState = { health: 'unknown', lastScrape: 0, lastScrapeDurationSeconds: 0, lastError: '' };
  readonly url: URL;
  /** Labels attached to every scraped sample (no `__` names). */
  readonly labels: Labels;
  readonly discoveredLabels: Labels;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly identity: string;

  constructor(readonly scrape: ScrapeTarget) {
    this.url = new URL(scrape.url);
    this.labels = scrape.labels;
    this.discoveredLabels = scrape.discoveredLabels;
    this.intervalMs = scrape.intervalMs;
    this.timeoutMs = scrape.timeoutMs;
    // Interval and timeout are not identity: changing them restarts the loop, keeping cache and state.
    this.identity = scrape.scrapeLabels.without(['__scrape_interval__', '__scrape_timeout__']).key() + '\u0000' + scrape.url;
  }

  /** Identity across discovery updates and reloads (Prometheus: hash of labels and URL). */
  key(): string {
    return this.identity;
  }
}
