/**
 * Decides when each target is scraped. Every target gets a stable offset within its interval
 * (hash of its identity), but offsets are rounded to a few slots per interval and each
 * (interval, slot) pair has ONE timer: a wake-up of the process costs more than the scrape work
 * of several targets (DESIGN measured costs), while slots still spread targets over the
 * interval instead of hitting all of them at the same instant.
 */
import type { Clock } from '../clock.ts';
import { CommitBatch } from './commitBatch.ts';

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Slots per interval: one per second of interval, between 1 and 16. Measured here (20 targets at
 * 1 s, loaded machine): 4 slots per second cost ~10% more CPU than 1, for no benefit to targets
 * that are separate servers; long intervals still spread over up to 16 slots.
 */
export function slotsFor(intervalMs: number): number {
  return Math.max(1, Math.min(16, Math.floor(intervalMs / 1000)));
}

/** FNV-1a over a string: stable across runs and processes (unlike a random offset). */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A scheduled scrape; the jobs of one wake-up share `batch` (one storage commit). */
export type Job = (batch: CommitBatch) => void;

/**
 * How long a finished scrape waits for the others of its wake-up before their shared batch is
 * committed anyway: short next to the interval, long enough for local targets to answer.
 */
export function lingerFor(intervalMs: number): number {
  return Math.min(250, Math.max(10, Math.floor(intervalMs / 4)));
}

class SlotGroup {
  readonly jobs = new Set<Job>();
  private handle: unknown = null;
  private next = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly offsetMs: number,
    private readonly clock: Clock,
    private readonly timers: TimerApi,
  ) {}

  start(): void {
    const now = this.clock.now();
    const base = Math.floor(now / this.intervalMs) * this.intervalMs + this.offsetMs;
    this.next = base > now ? base : base + this.intervalMs;
    this.arm();
  }

  private arm(): void {
    this.handle = this.timers.setTimeout(() => this.fire(), Math.max(0, this.next - this.clock.now()));
  }

  private fire(): void {
    const batch = new CommitBatch(this.timers, lingerFor(this.intervalMs));
    for (const job of this.jobs) job(batch);
    const now = this.clock.now();
    this.next += this.intervalMs;
    // Fell behind (process was busy or suspended): skip missed ticks rather than bursting.
    if (this.next <= now) this.next += Math.ceil((now - this.next + 1) / this.intervalMs) * this.intervalMs;
    this.arm();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}

export class ScrapeScheduler {
  private readonly groups = new Map<string, SlotGroup>();

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerApi = realTimers,
  ) {}

  /** The offset within the interval at which a target with this identity is scraped. */
  static offsetFor(identity: string, intervalMs: number): number {
    const slots = slotsFor(intervalMs);
    return Math.floor(((stableHash(identity) % slots) * intervalMs) / slots);
  }

  /** Runs `job` every `intervalMs` at the identity's slot; returns a function that unschedules it. */
  add(identity: string, intervalMs: number, job: Job): () => void {
    const offset = ScrapeScheduler.offsetFor(identity, intervalMs);
    const key = `${intervalMs}/${offset}`;
    let g = this.groups.get(key);
    if (!g) {
      g = new SlotGroup(intervalMs, offset, this.clock, this.timers);
      this.groups.set(key, g);
      g.start();
    }
    g.jobs.add(job);
    const group = g;
    return () => {
      group.jobs.delete(job);
      if (group.jobs.size === 0) {
        group.stop();
        this.groups.delete(key);
      }
    };
  }

  /** Number of timers currently armed (one per occupied slot). */
  get timerCount(): number {
    return this.groups.size;
  }

  stop(): void {
    for (const g of this.groups.values()) g.stop();
    this.groups.clear();
  }
}
