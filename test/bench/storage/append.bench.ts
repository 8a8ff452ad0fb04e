/**
 * Append/commit path of the SQLite store in the scrape shape of `bench:scrape`: 20 targets ×
 * 500 series, one appender + commit per target per scrape, refs cached as the scrape loop does,
 * counters and gauges with realistic values. Reports CPU seconds per million samples.
 *
 *   node --import tsx test/bench/storage/append.bench.ts [--scrapes=N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';

const argv = process.argv.slice(2);
const scrapes = Number(argv.find((a) => a.startsWith('--scrapes='))?.slice(10) ?? 300);
const TARGETS = 20;
const PER_TARGET = 500;
const START = 1_700_000_000_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-append-bench-'));
const store = openStorage({ path: dir, schedule: false });
try {
  const labels: Labels[][] = [];
  const refs: number[][] = [];
  for (let t = 0; t < TARGETS; t++) {
    labels.push([]);
    refs.push(new Array<number>(PER_TARGET).fill(0));
    for (let i = 0; i < PER_TARGET; i++) labels[t].push(Labels.fromObject({ __name__: `metric_${i % 50}`, instance: `target-${t}:9100`, job: 'bench', idx: String(i) }));
  }
  const run = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      for (let t = 0; t < TARGETS; t++) {
        const app = store.appender();
        const ts = START + k * 1000 + t;
        const r = refs[t];
        for (let i = 0; i < PER_TARGET; i++) r[i] = app.append(r[i], labels[t][i], ts, i % 3 === 0 ? k * (i + 1) : ((k * 7 + i) % 100) / 4);
        app.commit();
      }
    }
  };
  run(0, 10); // warm-up (series creation)
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  run(10, 10 + scrapes);
  const c = process.cpuUsage(c0);
  const wall = performance.now() - w0;
  const samples = scrapes * TARGETS * PER_TARGET;
  const cpuS = (c.user + c.system) / 1e6;
  console.log(`${samples} samples in ${(wall / 1000).toFixed(2)} s wall; ${((cpuS * 1e6) / samples).toFixed(3)} CPU-s per million samples`);
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
