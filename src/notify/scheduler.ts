/**
 * Timers for the dispatcher and the retry queue, behind an interface so tests drive time by
 * hand: `ManualScheduler.advanceTo(t)` moves the ManualClock forward task by task and awaits each
 * task, so a timeline test is deterministic and never sleeps.
 */
import type { Clock } from '../clock.ts';
import { ManualClock } from '../clock.ts';

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  /** Runs `fn` at (or soon after) epoch-ms `at`. */
  at(at: number, fn: () => Promise<void> | void): TimerHandle;
  /** Stops every pending timer. */
  close(): void;
}

/** Real timers. Long delays are re-armed in steps because setTimeout caps at ~24.8 days. */
export class TimerScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(private readonly clock: Clock) {}

  at(at: number, fn: () => Promise<void> | void): TimerHandle {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const delay = Math.max(0, Math.min(at - this.clock.now(), 2 ** 31 - 1));
      timer = setTimeout(() => {
        this.timers.delete(timer!);
        if (cancelled) return;
        if (this.clock.now() < at - 1) return arm();
        void Promise.resolve().then(fn).catch(() => {});
      }, delay);
      timer.unref?.();
      this.timers.add(timer);
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
      },
    };
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface Task {
  at: number;
  seq: number;
  fn: () => Promise<void> | void;
  cancelled: boolean;
}

/** Test scheduler over a ManualClock. */
export class ManualScheduler implements Scheduler {
  private tasks: Task[] = [];
  private seq = 0;
  constructor(readonly clock: ManualClock) {}

  at(at: number, fn: () => Promise<void> | void): TimerHandle {
    const t: Task = { at, seq: this.seq++, fn, cancelled: false };
    this.tasks.push(t);
    return { cancel: () => void (t.cancelled = true) };
  }

  close(): void {
    this.tasks = [];
  }

  /** Number of timers still armed. */
  pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  /** Runs every task due up to `t` in time order (tasks may schedule more), then sets the clock to t. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      this.tasks = this.tasks.filter((x) => !x.cancelled);
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > t) break;
      this.tasks.shift();
      if (next.at > this.clock.now()) this.clock.set(next.at);
      await next.fn();
    }
    if (t > this.clock.now()) this.clock.set(t);
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.clock.now() + ms);
  }
}
