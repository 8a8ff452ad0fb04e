/**
 * The append log's segment files against a real kill -9 and a real failing write: a child
 * process commits and SIGKILLs itself right after commit() returns; another runs under a small
 * RLIMIT_FSIZE, so the log segment's write really comes up short and then fails (EFBIG).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'logWriter.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-logkill-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Batch numbers held by every one of the 200 series (value checked against the batch). */
function batches(s: SqliteStorage): number[] {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', 'log_kill')]);
  let first: number[] | null = null;
  let seen = 0;
  while (set.next()) {
    seen++;
    const got: number[] = [];
    const it = set.at().iterator();
    while (it.next()) {
      assert.equal(it.atV(), it.atT() / 1000);
      got.push(it.atV());
    }
    if (first === null) first = got;
    else assert.deepEqual(got, first, set.at().labels.toString());
  }
  assert.equal(set.err(), null);
  q.close();
  assert.equal(seen, 200);
  return first ?? [];
}

describe('append log segments, real processes', () => {
  it('keeps every batch whose commit returned before kill -9', { timeout: 60_000 }, () => {
    const dir = path.join(root, 'kill');
    const r = spawnSync(process.execPath, ['--import', 'tsx', writer, 'kill', dir, '40'], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const segs = fs.readdirSync(path.join(dir, 'log'));
    assert.deepEqual(segs, ['00000001'], 'the batches are in the log, not checkpointed');
    const s = openStorage({ path: dir, schedule: false });
    assert.deepEqual(batches(s), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
    s.close();
  });

  it('a write that fails for real (file size limit) fails its commit only; the log stays whole', { timeout: 60_000 }, () => {
    const dir = path.join(root, 'fsize');
    // 2048 blocks of 512 bytes (POSIX sh): 1 MiB per file. The db and its WAL stay far below it.
    const r = spawnSync('/bin/sh', ['-c', `ulimit -f 2048 && exec "${process.execPath}" --import tsx "${writer}" fsize "${dir}"`], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const lines = r.stdout.trim().split('\n');
    const committed = lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.split(' ')[1]));
    const failed = lines.filter((l) => l.startsWith('failed '));
    assert.equal(failed.length, 2, r.stdout.slice(-300));
    for (const f of failed) assert.match(f, / EFBIG$/);
    assert.ok(committed.length > 100, `${committed.length} commits before the limit`);
    const failedBatches = failed.map((l) => Number(l.split(' ')[1]));
    assert.deepEqual(committed.slice(-3), [failedBatches[1] + 1, failedBatches[1] + 2, failedBatches[1] + 3], 'commits work again after the checkpoint');
    const segs = fs.readdirSync(path.join(dir, 'log'));
    assert.deepEqual(segs, ['00000002'], 'the full segment was checkpointed and deleted');
    const s = openStorage({ path: dir, schedule: false });
    assert.deepEqual(batches(s), committed);
    s.close();
  });
});
