import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../src/clock.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-retention-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const H = 3600_000;
const MIN = 60_000;

function fill(s: SqliteStorage, series: Labels[], from: number, to: number, step: number): void {
  for (let t = from; t <= to; t += step) {
    const a = s.appender();
    for (const l of series) a.append(0, l, t, t / step);
    a.commit();
  }
}

function timestamps(s: SqliteStorage, m: Matcher[]): number[] {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select(m);
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push(it.atT());
  }
  q.close();
  return out;
}

const free = Labels.fromObject({ __name__: 'm', tier: 'free' });
const paid = Labels.fromObject({ __name__: 'm', tier: 'paid' });
const gone = Labels.fromObject({ __name__: 'old' });

describe('retention', () => {
  it('applies per-selector rules before the default age, on the injected clock', async () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const s = openStorage({
      path: path.join(root, `r${++n}`),
      schedule: false,
      clock,
      registry,
      cutPolicy: { maxSamples: 10, maxRangeMs: 2 * H },
      retention: { timeMs: 10 * H, rules: [{ matchers: [new Matcher('=', 'tier', 'free')], retentionMs: 2 * H }] },
    });
    fill(s, [gone], 0, 1 * H, MIN);
    fill(s, [free, paid], 0, 20 * H, MIN);
    clock.set(20 * H);
    const r = s.runRetention();
    assert.ok(r.deletedChunks > 0);
    assert.equal(r.deletedSeries, 1);

    const freeTs = timestamps(s, [new Matcher('=', 'tier', 'free')]);
    const paidTs = timestamps(s, [new Matcher('=', 'tier', 'paid')]);
    // Whole chunks/rows go once their newest sample passes the cutoff, so a little older data may stay.
    assert.ok(freeTs[0] <= 18 * H && freeTs[0] > 18 * H - 2 * H, `free starts at ${freeTs[0] / H} h`);
    assert.ok(paidTs[0] <= 10 * H && paidTs[0] > 10 * H - 2 * H, `paid starts at ${paidTs[0] / H} h`);
    assert.equal(freeTs.filter((t) => t >= 18 * H).length, 2 * 60 + 1, 'nothing inside the rule window is lost');
    assert.equal(paidTs.filter((t) => t >= 10 * H).length, 10 * 60 + 1);
    assert.deepEqual(timestamps(s, [new Matcher('=', '__name__', 'old')]), []);
    assert.deepEqual(s.querier(-Infinity, Infinity).labelValues('__name__'), ['m']);

    const text = await registry.metrics();
    assert.match(text, /^promlite_tsdb_retention_deleted_series_total 1$/m);
    assert.match(text, /^promlite_tsdb_retention_deleted_chunks_total\{reason="rule"\} [1-9]/m);
    assert.match(text, /^promlite_tsdb_retention_deleted_chunks_total\{reason="time"\} [1-9]/m);
    s.close();
  });

  it('keeps everything when nothing is configured', () => {
    const clock = new ManualClock(100 * 24 * H);
    const s = openStorage({ path: path.join(root, `r${++n}`), schedule: false, clock });
    fill(s, [paid], 0, 2 * H, MIN);
    assert.deepEqual(s.runRetention(), { deletedChunks: 0, deletedSeries: 0 });
    assert.equal(timestamps(s, [new Matcher('=', 'tier', 'paid')]).length, 121);
    s.close();
  });

  it('drops the oldest chunks until the database fits the size limit', () => {
    const clock = new ManualClock(0);
    const dir = path.join(root, `r${++n}`);
    const many = Array.from({ length: 20 }, (_, i) => Labels.fromObject({ __name__: 'big', i: String(i) }));
    let s = openStorage({ path: dir, schedule: false, clock, cutPolicy: { maxSamples: 30, maxRangeMs: 2 * H } });
    // Values that do not pack well, so the data is sizeable.
    for (let t = 0; t <= 24 * H; t += MIN) {
      const a = s.appender();
      many.forEach((l, k) => a.append(0, l, t, Math.sin(t * (k + 1)) * 1e6));
      a.commit();
    }
    s.compact({ checkpoint: true });
    const before = s.usedBytes();
    s.close();
    const limit = Math.floor(before * 0.5);
    s = openStorage({ path: dir, schedule: false, clock, cutPolicy: { maxSamples: 30, maxRangeMs: 2 * H }, retention: { sizeBytes: limit } });
    const r = s.runRetention(24 * H);
    assert.ok(r.deletedChunks > 0);
    assert.ok(s.usedBytes() <= limit, `${s.usedBytes()} > ${limit}`);
    const ts = timestamps(s, [new Matcher('=', 'i', '7')]);
    assert.equal(ts[ts.length - 1], 24 * H, 'newest data kept');
    assert.ok(ts[0] > 4 * H, `oldest data dropped (starts at ${ts[0] / H} h)`);
    s.close();
    assert.ok(fs.statSync(path.join(dir, 'promlite.db')).size <= before * 0.75, 'freed pages are returned to the OS');
  });
});

describe('retention settings replaced on config reload', () => {
  it('setRetention applies new per-selector rules at the next run', () => {
    const clock = new ManualClock(0);
    const s = openStorage({ path: path.join(root, `r${++n}`), schedule: false, clock, cutPolicy: { maxSamples: 10, maxRangeMs: 2 * H } });
    fill(s, [free, paid], 0, 20 * H, MIN);
    clock.set(20 * H);
    s.runRetention();
    assert.equal(timestamps(s, [new Matcher('=', 'tier', 'free')])[0], 0, 'no rules yet: nothing dropped');
    s.setRetention({ rules: [{ matchers: [new Matcher('=', 'tier', 'free')], retentionMs: 2 * H }] });
    s.runRetention();
    const freeTs = timestamps(s, [new Matcher('=', 'tier', 'free')]);
    assert.ok(freeTs[0] <= 18 * H && freeTs[0] > 18 * H - 2 * H, `free starts at ${freeTs[0] / H} h`);
    assert.equal(timestamps(s, [new Matcher('=', 'tier', 'paid')])[0], 0, 'paid tier untouched');
    s.close();
  });
});
