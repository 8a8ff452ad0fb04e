/**
 * Chunks cut from the heads are written by the commit that cut them (no copy held in memory);
 * one that cannot be written stays readable in memory and the next flush writes it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { headChunkArena } from '../../../src/storage/chunkArena.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';

const tick = () => new Promise((r) => setImmediate(r));
const series = [0, 1, 2, 3].map((i) => Labels.fromObject({ __name__: 'm', i: String(i) }));

function storeWithCommits(opts: { flushClosedChunks?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-cut-'));
  const s = openStorage({ path: dir, schedule: false, cutPolicy: { maxSamples: 2, maxRangeMs: 3600_000 }, ...opts });
  const refs = [0, 0, 0, 0];
  const commitAt = (t: number, which: number[]) => {
    const app = s.appender();
    for (const i of which) refs[i] = app.append(refs[i]!, series[i]!, t, t / 1000);
    app.commit();
  };
  const done = () => {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { s, commitAt, done };
}

/** Rows of closed chunks on disk: staged (as cut) or moved into chunks by stage two. */
const chunkRows = (s: SqliteStorage) => s.db.prepare('SELECT (SELECT COUNT(*) FROM chunks) + (SELECT COUNT(*) FROM staged_chunks)').pluck().get() as number;

function samplesRead(s: SqliteStorage): number {
  const q = s.querier(0, 100_000);
  const set = q.select([new Matcher('=', '__name__', 'm')]);
  let n = 0;
  while (set.next()) for (const it = set.at().iterator(); it.next(); ) n++;
  q.close();
  return n;
}

test('the commit that cuts a chunk writes it: nothing is left in memory for compaction', () => {
  const { s, commitAt, done } = storeWithCommits();
  try {
    const headSlots = headChunkArena.slotsInUse;
    commitAt(1000, [0, 1, 2, 3]);
    commitAt(2000, [0, 1, 2, 3]);
    assert.equal(chunkRows(s), 0);
    commitAt(3000, [0, 1, 2]); // three cuts
    assert.equal(chunkRows(s), 3, 'written when the commit returns');
    assert.equal(s.numMemChunks(), 4, 'only the four heads are in memory');
    assert.equal(headChunkArena.slotsInUse - headSlots, 4, 'the cut heads gave their arena bytes back');
    commitAt(3000, [3]);
    assert.equal(chunkRows(s), 4);
    assert.equal(samplesRead(s), 12, 'every sample reads back');
  } finally {
    done();
  }
});

test('a cut chunk that cannot be written stays readable in memory, and the next flush writes it', async () => {
  const { s, commitAt, done } = storeWithCommits({ flushClosedChunks: 1 });
  try {
    commitAt(1000, [0, 1]);
    commitAt(2000, [0, 1]);
    s.db.exec(`CREATE TRIGGER no_chunks BEFORE INSERT ON staged_chunks BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END`);
    const failures = () => (s.metrics.compactionFailures as unknown as { hashMap: Record<string, { value: number }> }).hashMap['']?.value ?? 0;
    commitAt(3000, [0, 1]); // cuts both; the write fails
    assert.equal(chunkRows(s), 0);
    assert.equal(failures(), 1);
    assert.equal(s.numMemChunks(), 4, 'two cut chunks kept (as copies) beside two heads');
    // Whatever the arena does with the old heads' bytes now, the kept chunks read back intact.
    commitAt(4000, [0, 1]);
    commitAt(5000, [0, 1]);
    assert.equal(samplesRead(s), 10);
    s.db.exec('DROP TRIGGER no_chunks');
    await tick(); // the flush scheduled by the failed write runs now
    assert.ok(chunkRows(s) >= 2, `kept chunks written (${chunkRows(s)} rows)`);
    assert.equal(samplesRead(s), 10);
  } finally {
    done();
  }
});

test('a commit cutting more series than one write group writes every group', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-cut-'));
  const s = openStorage({ path: dir, schedule: false, cutPolicy: { maxSamples: 2, maxRangeMs: 3600_000 } });
  try {
    const many = Array.from({ length: 600 }, (_, i) => Labels.fromObject({ __name__: 'm', i: String(i) }));
    const refs = many.map(() => 0);
    for (const t of [1000, 2000, 3000]) {
      const app = s.appender();
      many.forEach((l, i) => (refs[i] = app.append(refs[i], l, t, i + t)));
      app.commit();
    }
    assert.equal(chunkRows(s), 600, 'one chunk per series, from one commit');
    assert.equal(s.numMemChunks(), 600, 'only the heads are in memory');
    assert.equal(samplesRead(s), 1800);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a commit that cuts one series several times writes each of its chunks once', () => {
  const { s, done } = storeWithCommits();
  try {
    const headSlots = headChunkArena.slotsInUse;
    // Seven samples of one series in one commit (a remote-write batch): cut at 2, 4 and 6.
    const app = s.appender();
    let ref = 0;
    for (let t = 1000; t <= 7000; t += 1000) ref = app.append(ref, series[0]!, t, t / 1000);
    app.commit();
    assert.deepEqual(
      s.db.prepare('SELECT min_t, max_t FROM staged_chunks ORDER BY min_t').all(),
      [
        { min_t: 1000, max_t: 2000 },
        { min_t: 3000, max_t: 4000 },
        { min_t: 5000, max_t: 6000 },
      ],
    );
    assert.equal(s.numMemChunks(), 1, 'only the head is in memory');
    assert.equal(headChunkArena.slotsInUse - headSlots, 1, 'the three cut heads gave their arena bytes back');
    assert.equal(samplesRead(s), 7);
    // The series can be cut again by a later commit (its pending mark was cleared).
    const app2 = s.appender();
    app2.append(ref, series[0]!, 8000, 8);
    app2.append(ref, series[0]!, 9000, 9);
    app2.commit();
    assert.equal(chunkRows(s), 4);
    assert.equal(samplesRead(s), 9);
  } finally {
    done();
  }
});

test('a cut leaves the head_chunks row of its series: open ignores it, the next checkpoint replaces it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promlite-cut-'));
  let s = openStorage({ path: dir, schedule: false, maxAppendLogBytes: Infinity, cutPolicy: { maxSamples: 2, maxRangeMs: 3600_000 } });
  const headRow = (id: number) => (s.db.prepare('SELECT data FROM head_chunks WHERE series_id = ?').get(id) as { data: Buffer } | undefined)?.data;
  try {
    let ref = 0;
    const at = (t: number) => {
      const app = s.appender();
      ref = app.append(ref, series[0]!, t, t / 1000);
      app.commit();
    };
    at(1000);
    s.compact({ checkpoint: true }); // head_chunks: the head holding 1000
    const stale = headRow(ref);
    assert.ok(stale);
    at(2000);
    at(3000); // cut [1000, 2000]: the row of [1000] stays
    assert.deepEqual(headRow(ref), stale, 'the cut did not touch head_chunks');
    assert.equal(samplesRead(s), 3);
    s.db.close(); // crash
    s = openStorage({ path: dir, schedule: false, cutPolicy: { maxSamples: 2, maxRangeMs: 3600_000 } });
    assert.equal(samplesRead(s), 3, 'the stale row was not restored as a head beside the chunk holding its samples');
    assert.notDeepEqual(headRow(ref), stale, 'the checkpoint after replay wrote the head over it');
    s.close();
    s = openStorage({ path: dir, schedule: false });
    assert.equal(samplesRead(s), 3);
  } finally {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
