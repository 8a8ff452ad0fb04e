/**
 * One storage batch shared by the scrapes of one scheduler wake-up. Every commit is a SQLite
 * transaction with its own fixed cost (measured: ~40 µs CPU each, plus a WAL write), so the
 * targets woken together append into one appender and commit once, when the last of them has
 * finished — or after a short linger, so a slow target does not hold back the others' samples
 * (it then commits in a later batch of its own).
 *
 * A scrape appends only what it has fully validated (ScrapeLoop stages samples first): there is
 * no rollback of one target's part of a shared batch.
 */
import type { Appendable, Appender } from '../storage/interface.ts';
import type { TimerApi } from './scrapeScheduler.ts';

export class CommitBatch {
  private readonly open = new Map<Appendable, Appender>();
  private pending = 0;
  private waiters: Array<(error: string | null) => void> = [];
  private timer: unknown = null;

  constructor(
    private readonly timers: TimerApi,
    private readonly lingerMs: number,
  ) {}

  /** A scrape of this wake-up starts. */
  join(): void {
    this.pending++;
  }

  /** The shared appender for `appendable` (opened on first use). */
  appender(appendable: Appendable): Appender {
    let app = this.open.get(appendable);
    if (app === undefined) {
      app = appendable.appender();
      this.open.set(appendable, app);
    }
    return app;
  }

  /** A joined scrape has appended everything; resolves after the commit with its error (or null). */
  finish(): Promise<string | null> {
    const done = new Promise<string | null>((resolve) => this.waiters.push(resolve));
    this.pending--;
    if (this.pending === 0) this.flush();
    else if (this.timer === null) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.lingerMs);
    }
    return done;
  }

  /** A joined scrape ends without appending (loop stopped meanwhile). */
  leave(): void {
    this.pending--;
    if (this.pending === 0 && (this.waiters.length > 0 || this.open.size > 0)) this.flush();
  }

  /**
   * Commits what the batch holds now, without waiting for the linger or the other targets (a
   * loop that stops must not leave its last samples behind its stale markers). Scrapes still
   * running append into a fresh appender and commit when they finish.
   */
  commitNow(): void {
    if (this.open.size > 0 || this.waiters.length > 0) this.flush();
  }

  private flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const apps = [...this.open.values()];
    this.open.clear();
    const waiters = this.waiters;
    this.waiters = [];
    let error: string | null = null;
    for (const app of apps) {
      try {
        app.commit();
      } catch (e) {
        error = `commit failed: ${(e as Error).message}`;
      }
    }
    for (const w of waiters) w(error);
  }
}
