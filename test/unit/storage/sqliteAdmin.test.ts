import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { AppendError } from '../../../src/storage/interface.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';
import { logRecords, segments } from './logFiles.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-admin-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `d${++n}`);
const cutPolicy = { maxSamples: 10, maxRangeMs: 3600_000 };

const a1 = Labels.fromObject({ __name__: 'x', job: 'a', i: '1' });
const a2 = Labels.fromObject({ __name__: 'x', job: 'a', i: '2' });
const b1 = Labels.fromObject({ __name__: 'y', job: 'b' });

function fill(s: SqliteStorage, count = 200): void {
  for (let i = 0; i < count; i++) {
    const app = s.appender();
    for (const l of [a1, a2, b1]) app.append(0, l, i * 1000, i);
    app.commit();
  }
}

function samples(s: SqliteStorage, m: Matcher[]): Array<[number, number]> {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select(m, { sorted: true });
  const out: Array<[number, number]> = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push([it.atT(), it.atV()]);
  }
  assert.equal(set.err(), null);
  return out;
}

describe('SqliteStorage admin and durability', () => {
  it('truncates the append log on compaction and replays it on open', () => {
    const dir = freshDir();
    let s = openStorage({ path: dir, schedule: false, cutPolicy });
    fill(s, 30);
    const rows = () => logRecords(dir).length;
    assert.equal(rows(), 30, 'one log record per committed batch');
    assert.ok(s.appendLogBytes() > 0);
    s.compact();
    assert.equal(rows(), 30, 'a compaction below the checkpoint threshold keeps the log');
    s.compact({ checkpoint: true });
    assert.equal(rows(), 0);
    assert.deepEqual(segments(dir), [], 'checkpointed segments deleted');
    assert.equal(s.appendLogBytes(), 0);
    fill2(s);
    s.db.close(); // crash-like: no final compaction
    s = openStorage({ path: dir, schedule: false, cutPolicy });
    assert.equal(samples(s, [new Matcher('=', 'job', 'b')]).length, 40);
    s.close();

    function fill2(st: SqliteStorage) {
      for (let i = 30; i < 40; i++) {
        const app = st.appender();
        app.append(0, b1, i * 1000, i);
        app.commit();
      }
    }
  });

  it('deletes whole series by selector, durably', () => {
    const dir = freshDir();
    let s = openStorage({ path: dir, schedule: false, cutPolicy });
    fill(s);
    assert.equal(s.deleteSeries([new Matcher('=', 'job', 'a')]), 2);
    assert.deepEqual(samples(s, [new Matcher('=', 'job', 'a')]), []);
    assert.deepEqual(s.querier(-Infinity, Infinity).labelValues('job'), ['b']);
    assert.equal(samples(s, [new Matcher('=', 'job', 'b')]).length, 200);
    s.db.close();
    s = openStorage({ path: dir, schedule: false, cutPolicy });
    assert.deepEqual(samples(s, [new Matcher('=', 'job', 'a')]), []);
    // The series can come back as a new one.
    const app = s.appender();
    app.append(0, a1, 500_000, 1);
    app.commit();
    assert.deepEqual(samples(s, [new Matcher('=', 'i', '1')]), [[500_000, 1]]);
    s.close();
  });

  it('deletes a time range across packed rows, chunks and the head', () => {
    const dir = freshDir();
    let s = openStorage({ path: dir, schedule: false, cutPolicy });
    fill(s);
    s.compact();
    fill3(s);
    const expected = samples(s, [new Matcher('=', 'i', '2')]).filter(([t]) => t < 20_000 || t > 205_000);
    assert.equal(s.deleteSeries([new Matcher('=', 'i', '2')], 20_000, 205_000), 1);
    assert.deepEqual(samples(s, [new Matcher('=', 'i', '2')]), expected);
    assert.equal(samples(s, [new Matcher('=', 'i', '1')]).length, 210, 'other series untouched');
    s.db.close();
    s = openStorage({ path: dir, schedule: false, cutPolicy });
    assert.deepEqual(samples(s, [new Matcher('=', 'i', '2')]), expected);
    // Appends continue after the kept head.
    const app = s.appender();
    app.append(0, a2, 300_000, 7);
    app.commit();
    assert.deepEqual(samples(s, [new Matcher('=', 'i', '2')]).at(-1), [300_000, 7]);
    s.close();

    function fill3(st: SqliteStorage) {
      for (let i = 200; i < 210; i++) {
        const app = st.appender();
        for (const l of [a1, a2]) app.append(0, l, i * 1000, i);
        app.commit();
      }
    }
  });

  it('refuses selectors that match everything', () => {
    const s = openStorage({ path: freshDir(), schedule: false });
    assert.throws(() => s.deleteSeries([new Matcher('=~', 'job', '.*')]), /at least one non-empty matcher/);
    assert.throws(() => s.series([]), /at least one non-empty matcher/);
    s.close();
  });

  it('lists series label sets by selector and time range', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy });
    fill(s, 20);
    const app = s.appender();
    app.append(0, Labels.fromObject({ __name__: 'late' }), 1_000_000, 1);
    app.commit();
    assert.deepEqual(
      s.series([new Matcher('=~', '__name__', '.+')], 0, 50_000).map((l) => l.toString()),
      ['x{i="1", job="a"}', 'x{i="2", job="a"}', 'y{job="b"}'],
    );
    assert.deepEqual(s.series([new Matcher('=~', '__name__', 'l.*')]).map((l) => l.toString()), ['late']);
    s.close();
  });

  it('backs up online with VACUUM INTO', () => {
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy });
    fill(s, 50);
    const bdir = freshDir();
    const target = path.join(bdir, 'promlite.db');
    s.backup(target);
    assert.throws(() => s.backup(target), /already exists/);
    const b = openStorage({ path: bdir, schedule: false, cutPolicy });
    assert.deepEqual(samples(b, [new Matcher('=', 'job', 'a')]), samples(s, [new Matcher('=', 'job', 'a')]));
    b.close();
    s.close();
  });

  it('reports tsdb stats and self-metrics, and counts rejected samples', async () => {
    const registry = new Registry();
    const s = openStorage({ path: freshDir(), schedule: false, cutPolicy, registry });
    fill(s, 25);
    const app = s.appender();
    assert.throws(() => app.append(0, a1, 0, 5), (e: unknown) => e instanceof AppendError && e.reason === 'out_of_order');
    assert.throws(() => app.append(0, a1, 24_000, 5), (e: unknown) => e instanceof AppendError && e.reason === 'duplicate_timestamp');
    assert.throws(() => app.append(0, Labels.EMPTY, 24_000, 5), (e: unknown) => e instanceof AppendError && e.reason === 'invalid_labels');
    app.append(0, a1, 24_000, 24); // identical duplicate: silently accepted
    app.commit();
    s.compact({ checkpoint: true });
    const st = s.stats();
    assert.equal(st.headStats.numSeries, 3);
    assert.equal(st.headStats.minTime, 0);
    assert.equal(st.headStats.maxTime, 24_000);
    assert.deepEqual(st.seriesCountByMetricName, [
      { name: 'x', value: 2 },
      { name: 'y', value: 1 },
    ]);
    assert.deepEqual(st.seriesCountByLabelValuePair[0], { name: '__name__=x', value: 2 });
    const text = await registry.metrics();
    assert.match(text, /^promlite_tsdb_head_samples_appended_total 75$/m);
    assert.match(text, /^promlite_tsdb_samples_rejected_total\{reason="out_of_order"\} 1$/m);
    assert.match(text, /^promlite_tsdb_samples_rejected_total\{reason="duplicate_timestamp"\} 1$/m);
    assert.match(text, /^promlite_tsdb_samples_rejected_total\{reason="invalid_labels"\} 1$/m);
    assert.match(text, /^promlite_tsdb_head_series 3$/m);
    assert.match(text, /^promlite_tsdb_compactions_total 1$/m);
    assert.match(text, /^promlite_tsdb_append_log_bytes 0$/m);
    assert.match(text, /^promlite_tsdb_storage_bytes [1-9]/m);
    s.close();
  });

  it('refuses a database from a newer schema version', () => {
    const dir = freshDir();
    openStorage({ path: dir, schedule: false }).close();
    const db = new Database(path.join(dir, 'promlite.db'));
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => openStorage({ path: dir, schedule: false }), /schema version 99 is newer/);
  });

  it('lets other modules keep their own tables in the same file', () => {
    const dir = freshDir();
    const s = openStorage({ path: dir, schedule: false });
    s.db.exec('CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY)');
    s.close();
    const t = openStorage({ path: dir, schedule: false });
    assert.equal(t.db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'silences'").pluck().get(), 1);
    t.close();
  });
});

describe('SqliteStorage schedules', () => {
  it('runs compaction on its schedule and stops it on close', async () => {
    const registry = new Registry();
    const s = openStorage({ path: freshDir(), registry, compactEveryMs: 200, retentionEveryMs: 86400_000 });
    fill(s, 5);
    const deadline = Date.now() + 5000;
    let text = '';
    while (Date.now() < deadline) {
      text = await registry.metrics();
      if (/^promlite_tsdb_compactions_total [1-9]/m.test(text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(text, /^promlite_tsdb_compactions_total [1-9]/m);
    s.close(); // the test runner would hang here if a scheduled job kept running
  });
});

describe('SqliteStorage open errors', () => {
  it('names the file when it is not a database', () => {
    const dir = freshDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'promlite.db'), 'this is not sqlite, just text that is long enough to be read as a header'.repeat(100));
    assert.throws(() => openStorage({ path: dir, schedule: false }), (e: Error) => e.message.includes(path.join(dir, 'promlite.db')) && /not a database/.test(e.message));
  });
});
