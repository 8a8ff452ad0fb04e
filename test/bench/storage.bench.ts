/**
 * Storage bench (issue 2): ingest 1,000 series x 7,200 samples at 15 s through the Appender in
 * scrape-sized batches (one commit per target per scrape), then report
 *   append samples/s, full-scan decode samples/s, bytes/sample of the db file after compaction,
 * and Prometheus's block bytes/sample for the same data (promtool tsdb create-blocks-from).
 *
 *   npm run bench:storage [-- --json] [-- --skip-prometheus] [-- --keep]
 * With --json the last line is one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStorage } from '../../src/storage/sqliteStorage.ts';
import { Matcher } from '../../src/storage/matcher.ts';
import { makeSeries, generateValues, SAMPLES_PER_SERIES, SERIES, START_MS, STEP_MS, TARGETS } from './storage/syntheticData.ts';
import { writeOpenMetrics } from './storage/openMetrics.ts';
import { benchXorCodec } from './storage/codecBench.ts';

const args = new Set(process.argv.slice(2));
const COMPACT_EVERY_SCRAPES = (5 * 60_000) / STEP_MS;
const json = args.has('--json');
const log = (...a: unknown[]) => console.log(...a);

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return n;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-bench-'));
try {
  const series = makeSeries();
  const values = generateValues(series);
  const total = SERIES * SAMPLES_PER_SERIES;
  const byTarget: number[][] = Array.from({ length: TARGETS }, () => []);
  series.forEach((s, i) => byTarget[s.target].push(i));

  // ---- codec alone ----
  const codec = benchXorCodec(values);
  log(
    `xor codec alone (best of 3 / 5): encode ${codec.encodeNsPerSample.toFixed(1)} ns/sample, decode ${codec.decodeNsPerSample.toFixed(1)} ns/sample ` +
      `(${Math.round(1e9 / codec.decodeNsPerSample).toLocaleString()} samples/s), ${codec.xorBytesPerSample.toFixed(3)} bytes/sample in 120-sample chunks`,
  );

  // ---- ingest ----
  const dir = path.join(tmp, 'promlite');
  let store = openStorage({ path: dir, schedule: false });
  const refs = new Array<number>(SERIES).fill(0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let compactMs = 0;
  for (let i = 0; i < SAMPLES_PER_SERIES; i++) {
    const t = START_MS + i * STEP_MS;
    const row = i * SERIES;
    for (let g = 0; g < TARGETS; g++) {
      const app = store.appender();
      for (const si of byTarget[g]) refs[si] = app.append(refs[si], series[si].labels, t, values[row + si]);
      app.commit();
    }
    // The default schedule compacts every 5 minutes: do it every 5 minutes of data time.
    if ((i + 1) % COMPACT_EVERY_SCRAPES === 0) {
      const tc = performance.now();
      store.compact();
      compactMs += performance.now() - tc;
    }
  }
  const ingestMs = performance.now() - t0;
  const appendCpuS = cpuSeconds(process.cpuUsage(cpu0));
  const appendRate = total / (ingestMs / 1000);
  const appendCpuRate = total / appendCpuS;
  log(
    `append: ${total} samples in ${ingestMs.toFixed(0)} ms = ${Math.round(appendRate).toLocaleString()} samples/s ` +
      `(${Math.round(appendCpuRate).toLocaleString()} per CPU-second; ${SAMPLES_PER_SERIES * TARGETS} commits of ${SERIES / TARGETS} samples, ` +
      `incl. ${Math.floor(SAMPLES_PER_SERIES / COMPACT_EVERY_SCRAPES)} compactions taking ${compactMs.toFixed(0)} ms)`,
  );

  const tc = performance.now();
  store.close(); // compacts and checkpoints the WAL into the db file
  log(`close (final compaction + checkpoint): ${(performance.now() - tc).toFixed(0)} ms`);
  const dbBytes = fs.statSync(path.join(dir, 'promlite.db')).size;
  const bytesPerSample = dbBytes / total;
  log(`promlite db file: ${dbBytes.toLocaleString()} bytes = ${bytesPerSample.toFixed(3)} bytes/sample`);

  // ---- full-scan decode ----
  const to = performance.now();
  store = openStorage({ path: dir, schedule: false });
  log(`reopen: ${(performance.now() - to).toFixed(0)} ms`);
  let best = 0;
  let bestCpu = 0;
  let check = 0;
  for (let round = 0; round < 5; round++) {
    const cpuD = process.cpuUsage();
    const td = performance.now();
    const q = store.querier(-Infinity, Infinity);
    const set = q.select([new Matcher('=~', '__name__', '.+')]);
    let n = 0;
    let sum = 0;
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next()) {
        n++;
        sum += it.atT();
      }
    }
    q.close();
    const rate = n / ((performance.now() - td) / 1000);
    const cpuRate = n / cpuSeconds(process.cpuUsage(cpuD));
    if (n !== total) throw new Error(`decoded ${n} samples, expected ${total}`);
    check = sum;
    best = Math.max(best, rate);
    bestCpu = Math.max(bestCpu, cpuRate);
  }
  void check;
  log(`decode (full scan through Querier, best of 5, JIT warm-up included): ${Math.round(best).toLocaleString()} samples/s (${Math.round(bestCpu).toLocaleString()} per CPU-second)`);
  store.close();

  // ---- Prometheus ----
  let promBytesPerSample: number | null = null;
  if (!args.has('--skip-prometheus')) {
    const om = path.join(tmp, 'data.om');
    const tw = performance.now();
    writeOpenMetrics(om, series, values);
    log(`openmetrics file: ${fs.statSync(om).size.toLocaleString()} bytes in ${(performance.now() - tw).toFixed(0)} ms`);
    const promDir = path.join(tmp, 'prometheus');
    const tp = performance.now();
    const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, promDir], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      log(`promtool failed: ${r.error?.message ?? r.stderr.slice(-2000)}`);
    } else {
      fs.rmSync(om);
      const blocks = fs.readdirSync(promDir).filter((d) => fs.statSync(path.join(promDir, d)).isDirectory());
      const bytes = dirBytes(promDir);
      promBytesPerSample = bytes / total;
      log(`prometheus blocks: ${blocks.length} blocks, ${bytes.toLocaleString()} bytes = ${promBytesPerSample.toFixed(3)} bytes/sample (promtool ${(performance.now() - tp).toFixed(0)} ms)`);
    }
  }

  if (json) {
    console.log(
      JSON.stringify({
        bytes_per_sample: Number(bytesPerSample.toFixed(4)),
        prometheus_bytes_per_sample: promBytesPerSample === null ? null : Number(promBytesPerSample.toFixed(4)),
        append_samples_per_sec: Math.round(appendRate),
        decode_samples_per_sec: Math.round(best),
        // Wall-clock rates suffer when other processes share the CPUs; these do not.
        append_samples_per_cpu_sec: Math.round(appendCpuRate),
        decode_samples_per_cpu_sec: Math.round(bestCpu),
        load_average_1m: Number(os.loadavg()[0].toFixed(2)),
      }),
    );
  }
} finally {
  if (!args.has('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}
