/**
 * Timer source for group evaluation loops, injectable so tests drive time by hand:
 * `ManualTimers.advance(ms)` moves a ManualClock to each due timer in order, runs it and
 * awaits the promise it returns (a whole rule-group iteration) before going on.
 */
import type { ManualClock } from '../clock.ts';

export type TimerCallback = () => void | Promise<void>;

export interface Timers {
  setTimeout(fn: TimerCallback, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(() => void fn(), Math.max(0, ms));
    h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface PendingTimer {
  id: number;
  at: number;
  fn: TimerCallback;
}

export class ManualTimers implements Timers {
  private nextId = 1;
  private pending: PendingTimer[] = [];

  constructor(private readonly clock: ManualClock) {}

  setTimeout(fn: TimerCallback, ms: number): unknown {
    const t = { id: this.nextId++, at: this.clock.now() + Math.max(0, ms), fn };
    this.pending.push(t);
    return t.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }

  /** Number of timers waiting. */
  get size(): number {
    return this.pending.length;
  }

  /** Advances the clock by `ms`, firing due timers in time order (ties in creation order). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.clock.now() + ms);
  }

  async advanceTo(end: number): Promise<void> {
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.pending[0];
      if (!next || next.at > end) break;
      this.pending.shift();
      if (next.at > this.clock.now()) this.clock.set(next.at);
      await next.fn();
    }
    if (end > this.clock.now()) this.clock.set(end);
  }
}
