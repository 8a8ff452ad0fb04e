/**
 * Child process of appendLogKill.test.ts. Batch b writes value b at t = b * 1000 for 200 series.
 *   node --import tsx logWriter.ts kill <dir> <batches>
 *     commits batches 1..n, then SIGKILLs itself the moment the last commit returns.
 *   node --import tsx logWriter.ts fsize <dir>
 *     run under a small RLIMIT_FSIZE (ulimit -f): commits until a commit fails because the log
 *     segment reached the limit (a real short write, then EFBIG), tries once more, checkpoints
 *     (the next append starts a new segment), commits 3 more batches, then SIGKILLs itself.
 * Prints "committed <b>" / "failed <b> <code>" lines.
 */
import fs from 'node:fs';
import { Labels } from '../../../src/storage/labels.ts';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';

const [mode, dir, batches] = process.argv.slice(2);
const say = (line: string) => fs.writeSync(1, line + '\n');
const series = Array.from({ length: 200 }, (_, i) => Labels.fromObject({ __name__: 'log_kill', i: String(i) }));
// No cut chunks and no automatic checkpoint: only the log grows.
const store = openStorage({ path: dir, schedule: false, maxAppendLogBytes: Infinity, checkpointLogBytes: Infinity, cutPolicy: { maxSamples: 100_000, maxRangeMs: 2 ** 40 } });
const refs = new Array<number>(series.length).fill(0);

function commit(b: number): void {
  const app = store.appender();
  series.forEach((l, i) => (refs[i] = app.append(refs[i], l, b * 1000, b)));
  app.commit();
}

if (mode === 'kill') {
  const n = Number(batches);
  for (let b = 1; b <= n; b++) commit(b);
  process.kill(process.pid, 'SIGKILL');
} else {
  let b = 1;
  for (; ; b++) {
    try {
      commit(b);
      say(`committed ${b}`);
    } catch (e) {
      say(`failed ${b} ${(e as NodeJS.ErrnoException).code}`);
      break;
    }
  }
  b++;
  try {
    commit(b);
    say(`committed ${b}`);
  } catch (e) {
    say(`failed ${b} ${(e as NodeJS.ErrnoException).code}`);
  }
  store.compact({ checkpoint: true });
  for (let k = 0; k < 3; k++) {
    commit(++b);
    say(`committed ${b}`);
  }
  process.kill(process.pid, 'SIGKILL');
}
