/** Scrapes of one wake-up share one storage commit; slow ones and failed ones do not hurt the rest. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommitBatch } from '../../../src/scrape/commitBatch.ts';
import type { TimerApi } from '../../../src/scrape/scrapeScheduler.ts';
import type { Appendable, Appender, SeriesRef } from '../../../src/storage/interface.ts';
import type { Labels } from '../../../src/storage/labels.ts';
import { MemoryStorage } from '../../../src/storage/memoryStorage.ts';
import { loopWith, samplesOf, scrapeConfig, targetFor, TEXT } from './helpers.ts';
import { ScrapeLoop } from '../../../src/scrape/scrapeLoop.ts';
import { ManualClock } from '../../../src/clock.ts';

class ManualTimers implements TimerApi {
  readonly due = new Map<number, () => void>();
  private seq = 0;
  setTimeout(fn: () => void): unknown {
    this.due.set(++this.seq, fn);
    return this.seq;
  }
  clearTimeout(h: unknown): void {
    this.due.delete(h as number);
  }
  fireAll(): void {
    const fns = [...this.due.values()];
    this.due.clear();
    for (const f of fns) f();
  }
}

/** Counts commits and appended samples; `failCommit` makes commits throw. */
function countingStore(failCommit = false) {
  const s = { commits: 0, samples: [] as string[], appendable: null as unknown as Appendable };
  s.appendable = {
    appender(): Appender {
      const mine: string[] = [];
      return {
        append(ref: SeriesRef, l: Labels, t: number, v: number) {
          mine.push(`${l.metricName()}@${t}=${v}`);
          return ref || 1;
        },
        commit() {
          if (failCommit) throw new Error('disk full');
          s.commits++;
          s.samples.push(...mine);
        },
        rollback() {},
      };
    },
  };
  return s;
}

describe('commit batch', () => {
  it('commits once, after the last joined scrape finishes', async () => {
    const timers = new ManualTimers();
    const store = countingStore();
    const b = new CommitBatch(timers, 100);
    b.join();
    b.join();
    b.join();
    b.appender(store.appendable).append(0, { metricName: () => 'a' } as Labels, 1, 1);
    const first = b.finish();
    const second = b.finish();
    assert.equal(store.commits, 0);
    assert.equal(timers.due.size, 1, 'a linger timer while others are pending');
    b.leave();
    assert.deepEqual(await Promise.all([first, second]), [null, null]);
    assert.equal(store.commits, 1);
    assert.equal(timers.due.size, 0, 'the linger timer is cleared');
  });

  it('after the linger, commits what is there; a late scrape commits in its own batch', async () => {
    const timers = new ManualTimers();
    const store = countingStore();
    const b = new CommitBatch(timers, 100);
    b.join();
    b.join();
    b.appender(store.appendable);
    const early = b.finish();
    timers.fireAll();
    assert.equal(await early, null);
    assert.equal(store.commits, 1);
    b.appender(store.appendable);
    assert.equal(await b.finish(), null);
    assert.equal(store.commits, 2);
  });

  it('hands a commit error to every scrape of the batch', async () => {
    const b = new CommitBatch(new ManualTimers(), 100);
    const store = countingStore(true);
    b.join();
    b.join();
    b.appender(store.appendable);
    const r = [b.finish(), b.finish()];
    assert.deepEqual(await Promise.all(r), ['commit failed: disk full', 'commit failed: disk full']);
  });
});

describe('scrape loops sharing a batch', () => {
  it('store the good targets samples in one commit and nothing of a failing payload', async () => {
    const cfg = scrapeConfig();
    const storage = new MemoryStorage();
    let commits = 0;
    const appendable: Appendable = {
      appender() {
        const inner = storage.appender();
        return { append: inner.append.bind(inner), commit: () => (commits++, inner.commit()), rollback: () => inner.rollback() };
      },
    };
    const clock = new ManualClock(1_700_000_000_000);
    const mk = (address: string, body: string) =>
      new ScrapeLoop({
        honorLabels: false,
        honorTimestamps: true,
        limits: cfg,
        metricRelabelConfigs: [],
        target: targetFor(cfg, address),
        appendable,
        clock,
        source: { scrape: async () => ({ body: Buffer.from(body), contentType: TEXT }) },
      });
    const good = mk('good:1', 'm{x="1"} 1\nm{x="2"} 2\n');
    const bad = mk('bad:1', 'm{x="3"} 3\nm{x="4"} oops\n');
    const batch = new CommitBatch(new ManualTimers(), 100);
    await Promise.all([good.scrapeAndReport(batch), bad.scrapeAndReport(batch)]);
    assert.equal(commits, 1);
    assert.equal(good.target.state.health, 'up');
    assert.equal(bad.target.state.health, 'down');
    assert.match(bad.target.state.lastError, /line 2: invalid sample value/);
    const m = samplesOf(storage, 'm');
    assert.deepEqual([...m.keys()].map((k) => /x="(\d)"/.exec(k)![1]).sort(), ['1', '2']);
    assert.equal(samplesOf(storage, 'up').size, 2, 'both targets report up');
  });

  it('a loop stopped while its scrape waits in the batch stores that scrape, then its stale markers', async () => {
    const cfg = scrapeConfig();
    const storage = new MemoryStorage();
    const clock = new ManualClock(1_700_000_000_000);
    let releaseSlow!: (r: { body: Buffer; contentType: string }) => void;
    const mk = (address: string, scrape: () => Promise<{ body: Buffer; contentType: string }>) =>
      new ScrapeLoop({
        honorLabels: false,
        honorTimestamps: true,
        limits: cfg,
        metricRelabelConfigs: [],
        target: targetFor(cfg, address),
        appendable: storage,
        clock,
        source: { scrape },
      });
    const removed = mk('removed:1', async () => ({ body: Buffer.from('m{x="1"} 1\n'), contentType: TEXT }));
    const slow = mk('slow:1', () => new Promise((r) => (releaseSlow = r)));
    const timers = new ManualTimers();
    const batch = new CommitBatch(timers, 250);
    const removedDone = removed.scrapeAndReport(batch);
    const slowDone = slow.scrapeAndReport(batch);
    await new Promise((r) => setImmediate(r));
    assert.equal(samplesOf(storage, 'm').size, 0, 'the scrape waits for the batch (slow target, linger not over)');

    clock.advance(1000);
    removed.stop(true); // target removed by service discovery
    await removedDone;
    assert.deepEqual([...samplesOf(storage, 'm').values()], [[[1_700_000_000_000, 1], [1_700_000_001_000, 'stale']]]);

    releaseSlow({ body: Buffer.from('m{x="2"} 2\n'), contentType: TEXT });
    await slowDone;
    assert.equal(samplesOf(storage, 'm').size, 2, 'the slow target still commits its own scrape');
    assert.equal(timers.due.size, 0);
  });

  it('a loop without a batch still commits its own scrape', async () => {
    const { storage, scrape } = loopWith(scrapeConfig());
    await scrape('m 1\n');
    assert.equal(samplesOf(storage, 'm').size, 1);
  });
});
