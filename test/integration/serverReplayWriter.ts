/**
 * Child process for server.replay.test.ts: fills a data directory with an append log that
 * takes a while to replay, then exits without closing the store (as after a crash), so the
 * log is not compacted away. Usage: node --import tsx serverReplayWriter.ts <dir> <batches>
 */
import { Labels } from '../../src/storage/labels.ts';
import { openStorage } from '../../src/storage/sqliteStorage.ts';

const [dir, batchesArg] = process.argv.slice(2);
const SERIES = 500;
const storage = openStorage({ path: dir!, schedule: false, maxAppendLogBytes: Number.MAX_SAFE_INTEGER, checkpointLogBytes: Number.MAX_SAFE_INTEGER });
const labels = Array.from({ length: SERIES }, (_, i) => Labels.fromObject({ __name__: 'replay_test_total', series: String(i) }));
const refs = new Array<number>(SERIES).fill(0);
const batches = Number(batchesArg);
for (let b = 0; b < batches; b++) {
  const app = storage.appender();
  // One sample per series every 15 s; value b for every series, so the last value is known.
  for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, b * 15_000, b);
  app.commit();
}
process.stdout.write('done\n');
process.exit(0);
