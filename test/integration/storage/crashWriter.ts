/**
 * Child process of crash.test.ts: appends batches forever and prints "committed <id>" after
 * each commit returns. Batch id b writes value b at t = b * 1000 for every series.
 *   node --import tsx crashWriter.ts <dir> <firstBatchId>
 */
import fs from 'node:fs';
import { Labels } from '../../../src/storage/labels.ts';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';
import { stOf } from './crashSt.ts';

const [dir, first] = process.argv.slice(2);

/** The pipe to the test is non-blocking: when it is full, retry instead of dying on EAGAIN. */
function report(line: string): void {
  const buf = Buffer.from(line);
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

// A small log limit and small chunks so kills also land inside compactions and packing.
const store = openStorage({ path: dir, schedule: false, maxAppendLogBytes: 16 * 1024, cutPolicy: { maxSamples: 12, maxRangeMs: 3600_000 } });
const series = Array.from({ length: 25 }, (_, i) => Labels.fromObject({ __name__: 'crash_test', i: String(i) }));
report('ready\n');
for (let b = Number(first); ; b++) {
  const app = store.appender();
  series.forEach((l, i) => app.append(0, l, b * 1000, b, stOf(i, b)));
  app.commit();
  report(`committed ${b}\n`);
}
