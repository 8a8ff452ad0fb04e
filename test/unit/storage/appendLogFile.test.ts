/**
 * The append log in segment files (appendLogFile.ts) as the store uses it: real files in a
 * temporary directory; a "crash" closes the handles without the checkpoint close() does.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, SqliteStorage, type OpenStorageOptions, type StorageLogger } from '../../../src/storage/sqliteStorage.ts';
import { SampleBatch, encodeBatch } from '../../../src/storage/appendLog.ts';
import { AppendLogFile, type LogIo } from '../../../src/storage/appendLogFile.ts';
import { logDir, logRecords, segments } from './logFiles.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-logfile-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(root, `d${++n}`);

const SERIES = ['a', 'b', 'c'].map((k) => Labels.fromObject({ __name__: 'm', k }));

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

function recordingLogger(): StorageLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
}

function open(dir: string, extra: Partial<OpenStorageOptions> = {}): SqliteStorage {
  return openStorage({ path: dir, schedule: false, maxAppendLogBytes: Infinity, checkpointLogBytes: Infinity, ...extra });
}

/** Batch b: value b at t = b * 1000 for each of the given series. */
function commit(s: SqliteStorage, b: number, series = SERIES): void {
  const a = s.appender();
  for (const l of series) a.append(0, l, b * 1000, b);
  a.commit();
}

/** As kill -9 leaves it: no checkpoint, descriptors dropped. */
function crash(s: SqliteStorage): void {
  s.log.close();
  s.db.close();
}

/** Sample timestamps / 1000 (= batch numbers) of one series, checking value = batch. */
function batchesOf(s: SqliteStorage, k: string): number[] {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', 'm'), new Matcher('=', 'k', k)]);
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) {
      assert.equal(it.atV(), it.atT() / 1000);
      out.push(it.atT() / 1000);
    }
  }
  assert.equal(set.err(), null);
  q.close();
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function assertAll(s: SqliteStorage, expected: number[]): void {
  for (const k of ['a', 'b', 'c']) assert.deepEqual(batchesOf(s, k), expected, `series k=${k}`);
}

/** Offsets of the records of a segment file (walking the headers). */
function recordOffsets(file: string): number[] {
  const buf = fs.readFileSync(file);
  const out: number[] = [];
  for (let pos = 0; pos + 8 <= buf.length; pos += 8 + buf.readUInt32LE(pos)) out.push(pos);
  return out;
}

async function metric(registry: Registry, name: string): Promise<number> {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(await registry.metrics());
  return m ? Number(m[1]) : NaN;
}

describe('append log segment files', () => {
  it('writes one record per commit, 1x the batch, and deletes the segments at a checkpoint', () => {
    const dir = freshDir();
    const s = open(dir);
    for (let b = 1; b <= 5; b++) commit(s, b);
    assert.deepEqual(segments(dir).map((f) => path.basename(f)), ['00000001']);
    const recs = logRecords(dir);
    assert.equal(recs.length, 5);
    const size = fs.statSync(segments(dir)[0]).size;
    assert.equal(size, recs.reduce((n, r) => n + 8 + r.payload.length, 0), 'nothing but records');
    assert.equal(s.appendLogBytes(), size);
    s.compact();
    assert.equal(logRecords(dir).length, 5, 'a compaction without checkpoint keeps the log');
    s.compact({ checkpoint: true });
    assert.deepEqual(segments(dir), []);
    assert.equal(s.appendLogBytes(), 0);
    commit(s, 6);
    assert.deepEqual(segments(dir).map((f) => path.basename(f)), ['00000002'], 'the next append starts the next segment');
    s.close();
    assert.deepEqual(segments(dir), [], 'close leaves no log');
    const again = open(dir);
    assertAll(again, range(1, 6));
    again.close();
  });

  it('replays a crashed log, then checkpoints it away; appends continue', () => {
    const dir = freshDir();
    let s = open(dir);
    for (let b = 1; b <= 10; b++) commit(s, b);
    crash(s);
    s = open(dir);
    assertAll(s, range(1, 10));
    assert.deepEqual(segments(dir), [], 'replayed segments checkpointed and deleted at open');
    assert.equal(s.db.prepare('SELECT COUNT(*) FROM head_chunks').pluck().get(), 3);
    commit(s, 11);
    crash(s);
    s = open(dir);
    assertAll(s, range(1, 11));
    s.close();
  });

  for (const tail of ['cut mid-record + garbage', 'bad CRC', 'zeroes (power loss)'] as const) {
    it(`truncates a torn tail of the last segment (${tail}), keeps every whole record, appends continue`, async () => {
      const dir = freshDir();
      let s = open(dir);
      for (let b = 1; b <= 10; b++) commit(s, b);
      crash(s);
      const [seg] = segments(dir);
      const offs = recordOffsets(seg);
      assert.equal(offs.length, 10);
      if (tail === 'cut mid-record + garbage') {
        fs.truncateSync(seg, offs[9] + 13); // half of record 10 is on disk...
        fs.appendFileSync(seg, Buffer.from('garbage after the tear, not a record'));
      } else if (tail === 'bad CRC') {
        const buf = fs.readFileSync(seg);
        buf[offs[9] + 8 + 20] ^= 0xff; // record 10's payload changed
        fs.writeFileSync(seg, buf);
      } else {
        fs.truncateSync(seg, offs[9]);
        fs.appendFileSync(seg, Buffer.alloc(4096));
      }
      const logger = recordingLogger();
      const registry = new Registry();
      s = open(dir, { logger, registry });
      assertAll(s, range(1, 9));
      const warn = logger.lines.find((l) => l.level === 'warn' && /torn record/.test(l.msg ?? ''));
      assert.ok(warn, 'warned');
      assert.equal(warn.obj.segment, seg);
      assert.equal(warn.obj.offset, offs[9]);
      assert.equal(logger.lines.filter((l) => l.level === 'error').length, 0);
      assert.equal(await metric(registry, 'promlite_tsdb_append_log_corruptions_total'), 1);
      commit(s, 10);
      commit(s, 11);
      crash(s);
      s = open(dir);
      assertAll(s, range(1, 11));
      s.close();
    });
  }

  it('reports a bad record in an earlier segment and skips the rest of that segment only', async () => {
    const dir = freshDir();
    let s = open(dir);
    for (let b = 1; b <= 10; b++) commit(s, b);
    crash(s);
    // Split the one segment into two valid ones (records 1-5, 6-10), then damage record 3.
    const [seg] = segments(dir);
    const buf = fs.readFileSync(seg);
    const offs = recordOffsets(seg);
    fs.writeFileSync(seg, buf.subarray(0, offs[5]));
    fs.writeFileSync(path.join(logDir(dir), '00000002'), buf.subarray(offs[5]));
    const bad = fs.readFileSync(seg);
    bad[offs[2] + 8 + 9] ^= 0x40;
    fs.writeFileSync(seg, bad);
    const logger = recordingLogger();
    const registry = new Registry();
    s = new SqliteStorage({ path: dir, schedule: false, deferReplay: true, logger, registry });
    assert.deepEqual(s.replayProgress(), { min: 0, max: 10, current: 0 }, 'records counted from their headers');
    await s.replay();
    assertAll(s, [1, 2, 6, 7, 8, 9, 10]);
    const errors = logger.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].obj.segment, seg);
    assert.equal(errors[0].obj.offset, offs[2]);
    assert.match(errors[0].msg ?? '', /skipping the rest of the segment/);
    assert.equal(await metric(registry, 'promlite_tsdb_append_log_corruptions_total'), 1);
    s.close();
  });

  it('a commit whose write fails throws, leaves nothing partial and changes no head; the next commit works', () => {
    const dir = freshDir();
    let s = open(dir);
    commit(s, 1);
    const real = s.log.io;
    const fresh = Labels.fromObject({ __name__: 'm', k: 'fresh' });
    // Half the record reaches the file, then the disk is full.
    s.log.io = {
      writev(fd, buffers, position) {
        const all = Buffer.concat(buffers);
        real.writev(fd, [all.subarray(0, all.length >> 1)], position);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      ftruncate: real.ftruncate,
    };
    assert.throws(() => commit(s, 2, [...SERIES, fresh]), /ENOSPC/);
    assertAll(s, [1]);
    assert.deepEqual(batchesOf(s, 'fresh'), []);
    const [seg] = segments(dir);
    assert.equal(fs.statSync(seg).size, 8 + logRecords(dir)[0].payload.length, 'the torn write was cut off');
    s.log.io = real;
    commit(s, 3, [...SERIES, fresh]); // the new series' row was written before the append: no duplicate insert
    assertAll(s, [1, 3]);
    crash(s);
    s = open(dir);
    assertAll(s, [1, 3]);
    assert.deepEqual(batchesOf(s, 'fresh'), [3]);
    s.close();
  });

  it('a failed write that cannot be cut off retires the segment; replay keeps every committed batch', () => {
    const dir = freshDir();
    let s = open(dir);
    commit(s, 1);
    commit(s, 2);
    const real = s.log.io;
    let calls = 0;
    s.log.io = {
      writev(fd, buffers, position) {
        // A short write of 11 bytes, then the device fails for the rest.
        if (calls++ > 0) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        return real.writev(fd, [Buffer.concat(buffers).subarray(0, 11)], position);
      },
      ftruncate() {
        throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      },
    } satisfies LogIo;
    const logger = recordingLogger();
    assert.throws(() => commit(s, 3), /EIO/);
    s.log.io = real;
    commit(s, 4);
    commit(s, 5);
    assert.deepEqual(segments(dir).map((f) => path.basename(f)), ['00000001', '00000002']);
    crash(s);
    s = open(dir, { logger });
    assertAll(s, [1, 2, 4, 5]);
    const errors = logger.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1, 'the retired segment ends in the torn write');
    assert.match(String(errors[0].obj.segment), /00000001$/);
    s.close();
  });

  it('replay is idempotent: a checkpointed segment restored by hand adds no duplicate and loses nothing', () => {
    const dir = freshDir();
    let s = open(dir, { cutPolicy: { maxSamples: 4, maxRangeMs: 3600_000 } });
    for (let b = 1; b <= 10; b++) commit(s, b);
    const saved = fs.readFileSync(segments(dir)[0]);
    s.compact({ checkpoint: true }); // the crash "between checkpoint and deletion": put the file back below
    for (let b = 11; b <= 15; b++) commit(s, b);
    crash(s);
    fs.writeFileSync(path.join(logDir(dir), '00000001'), saved);
    assert.equal(logRecords(dir).length, 15);
    s = open(dir, { cutPolicy: { maxSamples: 4, maxRangeMs: 3600_000 } });
    assertAll(s, range(1, 15));
    assert.deepEqual(segments(dir), []);
    s.close();
  });

  it('replays rows of the old append_log table first, then the segments (files from earlier versions)', async () => {
    const dir = freshDir();
    let s = open(dir);
    commit(s, 1); // series ids 1..3
    s.close();
    const batch = (b: number) => {
      const sb = new SampleBatch();
      const f = new Float64Array([b]);
      const w = new Uint32Array(f.buffer);
      for (let id = 1; id <= 3; id++) sb.add(null, id, b * 1000, w[1], w[0], NaN);
      return encodeBatch(sb);
    };
    const db = new Database(path.join(dir, 'promlite.db'));
    for (let b = 2; b <= 4; b++) db.prepare('INSERT INTO append_log (data) VALUES (?)').run(batch(b));
    db.close();
    const log = new AppendLogFile(logDir(dir), recordingLogger());
    for (let b = 5; b <= 6; b++) log.append(batch(b));
    log.close();
    s = new SqliteStorage({ path: dir, schedule: false, deferReplay: true, replaySliceMs: 0 });
    assert.deepEqual(s.replayProgress(), { min: 0, max: 5, current: 0 });
    const seen: number[] = [];
    await s.replay((p) => seen.push(p.current));
    assert.deepEqual(seen, [1, 2, 3, 4, 5], 'one batch per slice (budget 0), rows then records');
    assertAll(s, range(1, 6)); // out of order (segments first) would have dropped 2..4
    assert.equal(s.db.prepare('SELECT COUNT(*) FROM append_log').pluck().get(), 0, 'old rows checkpointed away');
    assert.deepEqual(segments(dir), []);
    commit(s, 7);
    crash(s);
    s = open(dir);
    assertAll(s, range(1, 7));
    s.close();
  });

  it('an old append_log row naming a series whose row is gone never reaches a new series with that id', () => {
    const dir = freshDir();
    let s = open(dir);
    commit(s, 1); // ids 1..3
    s.close();
    const sb = new SampleBatch();
    const f = new Float64Array([99]);
    const w = new Uint32Array(f.buffer);
    sb.add(null, 4, 99_000, w[1], w[0], NaN); // id 4: no such series
    const db = new Database(path.join(dir, 'promlite.db'));
    db.prepare('INSERT INTO append_log (data) VALUES (?)').run(encodeBatch(sb));
    db.close();
    s = open(dir);
    const late = Labels.fromObject({ __name__: 'm', k: 'late' });
    const a = s.appender();
    const ref = a.append(0, late, 100_000, 100);
    a.commit();
    assert.ok(ref > 4, `new series id ${ref} skips the logged one`);
    s.close();
  });

  it('deleted samples stay deleted across a crash and reopen', () => {
    const dir = freshDir();
    let s = open(dir);
    for (let b = 1; b <= 20; b++) commit(s, b);
    assert.equal(s.deleteSeries([new Matcher('=', 'k', 'a')]), 1);
    assert.equal(s.deleteSeries([new Matcher('=', 'k', 'b')], 15_000, Infinity), 1); // the tail: the log held later samples
    commit(s, 21, [SERIES[2]]);
    crash(s);
    s = open(dir);
    assert.deepEqual(batchesOf(s, 'a'), []);
    assert.deepEqual(batchesOf(s, 'b'), range(1, 14));
    assert.deepEqual(batchesOf(s, 'c'), range(1, 21));
    s.close();
  });

  it('a backup holds the samples committed just before it', () => {
    const dir = freshDir();
    const s = open(dir);
    for (let b = 1; b <= 7; b++) commit(s, b);
    const bdir = freshDir();
    s.backup(path.join(bdir, 'promlite.db'));
    commit(s, 8);
    const b = open(bdir);
    assertAll(b, range(1, 7));
    b.close();
    assertAll(s, range(1, 8));
    s.close();
  });
});
