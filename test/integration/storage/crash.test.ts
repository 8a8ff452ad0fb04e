/**
 * Crash test (issue 2): a child appends batches in a loop and reports each commit; it is killed
 * with SIGKILL at random points for 10 rounds. After reopening, every reported batch must be
 * present (with its start timestamps) and `PRAGMA integrity_check` must say ok.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';
import { stOf } from './crashSt.ts';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashWriter.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-crash-'));
const children = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs the writer until it has committed for `killAfterMs`, SIGKILLs it, returns the reported ids. */
function round(dir: string, firstId: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(firstId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const ids: number[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('committed ')) ids.push(Number(line.slice(10)));
        if (line.startsWith('committed ') && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => {
      children.delete(child);
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code}): ${stderr}`));
      else resolve(ids);
    });
  });
}

describe('crash safety', () => {
  it('keeps every reported batch across 10 random SIGKILLs', { timeout: 120_000 }, async () => {
    const dir = path.join(root, 'db');
    const reported = new Set<number>();
    let next = 1;
    for (let r = 0; r < 10; r++) {
      const ids = await round(dir, next, 30 + Math.floor(Math.random() * 400));
      assert.ok(ids.length > 0, `round ${r} committed nothing`);
      for (const id of ids) reported.add(id);
      next = ids[ids.length - 1] + 1;
    }

    const s = openStorage({ path: dir, schedule: false });
    assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
    const q = s.querier(-Infinity, Infinity);
    const set = q.select([new Matcher('=', '__name__', 'crash_test')]);
    let seriesSeen = 0;
    while (set.next()) {
      seriesSeen++;
      const have = new Set<number>();
      const it = set.at().iterator();
      const i = Number(set.at().labels.get('i'));
      while (it.next()) {
        assert.equal(it.atV(), it.atT() / 1000, 'value matches its batch');
        assert.equal(it.atST?.(), stOf(i, it.atV()), 'start timestamp kept');
        have.add(it.atT() / 1000);
      }
      const missing = [...reported].filter((id) => !have.has(id));
      assert.deepEqual(missing, [], `series ${set.at().labels.toString()} lost reported batches`);
    }
    assert.equal(set.err(), null);
    assert.equal(seriesSeen, 25);
    q.close();
    s.close();
  });
});
