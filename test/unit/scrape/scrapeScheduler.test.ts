import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/clock.ts';
import { ScrapeScheduler, slotsFor, type TimerApi } from '../../../src/scrape/scrapeScheduler.ts';

/** Timers driven by a ManualClock: `runUntil(t)` fires everything due up to t, in order. */
class FakeTimers implements TimerApi {
  private seq = 0;
  readonly pending = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock: ManualClock) {}
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.clock.now() + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  runUntil(t: number): number {
    let wakeups = 0;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= t && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.clock.set(next[1].at);
      wakeups++;
      next[1].fn();
    }
    this.clock.set(t);
    return wakeups;
  }
}

describe('scrape scheduler', () => {
  it('groups many targets into a few timers per interval, spread over the interval', () => {
    const clock = new ManualClock(1_000_000);
    const timers = new FakeTimers(clock);
    const s = new ScrapeScheduler(clock, timers);
    const fired: Array<[string, number]> = [];
    for (let i = 0; i < 40; i++) s.add(`target-${i}`, 4000, () => fired.push([`target-${i}`, clock.now()]));
    assert.equal(slotsFor(4000), 4);
    assert.equal(slotsFor(1000), 1);
    assert.equal(slotsFor(3_600_000), 16);
    assert.ok(s.timerCount <= 4 && s.timerCount >= 2, `timers: ${s.timerCount}`);
    const wakeups = timers.runUntil(1_000_000 + 40_000);
    // One wake-up per occupied slot per interval, not one per target.
    assert.equal(wakeups, s.timerCount * 10);
    assert.equal(fired.length, 400);
    const offsets = new Set(fired.map(([, t]) => t % 4000));
    assert.equal(offsets.size, s.timerCount);
    for (const o of offsets) assert.equal(o % 1000, 0);
  });

  it('keeps a target on the same stable offset and scrapes it once per interval', () => {
    const clock = new ManualClock(5_000_123);
    const timers = new FakeTimers(clock);
    const s = new ScrapeScheduler(clock, timers);
    const times: number[] = [];
    const remove = s.add('node:9100', 15_000, () => times.push(clock.now()));
    timers.runUntil(5_000_123 + 60_000);
    assert.equal(times.length, 4);
    for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], 15_000);
    assert.equal(times[0] % 15_000, ScrapeScheduler.offsetFor('node:9100', 15_000));
    remove();
    assert.equal(s.timerCount, 0);
    assert.equal(timers.pending.size, 0);
  });

  it('skips missed ticks instead of bursting after the process was stalled', () => {
    const clock = new ManualClock(0);
    const timers = new FakeTimers(clock);
    const s = new ScrapeScheduler(clock, timers);
    let n = 0;
    s.add('x', 1000, () => {
      n++;
      if (n === 1) clock.advance(5500); // a stalled process
    });
    timers.runUntil(7000);
    assert.ok(n <= 3, `fired ${n} times`);
    s.stop();
    assert.equal(timers.pending.size, 0);
  });

  it('hands the jobs of one wake-up one shared commit batch, a new one per wake-up', () => {
    const clock = new ManualClock(0);
    const timers = new FakeTimers(clock);
    const s = new ScrapeScheduler(clock, timers);
    const seen: unknown[][] = [[], []];
    // Same slot: with a 1 s interval there is one slot.
    s.add('a', 1000, (b) => seen[0].push(b));
    s.add('b', 1000, (b) => seen[1].push(b));
    timers.runUntil(2500);
    assert.equal(seen[0].length, 2);
    assert.equal(seen[0][0], seen[1][0]);
    assert.equal(seen[0][1], seen[1][1]);
    assert.notEqual(seen[0][0], seen[0][1]);
    s.stop();
  });
});
