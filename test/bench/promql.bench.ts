/**
 * PromQL bench (issue 4): a fixed data set of 10,000 series × 1 h at 15 s (5,000 counters and
 * 5,000 classic-histogram buckets) is loaded into promlite's SQLite store and, through
 * `promtool tsdb create-blocks-from openmetrics`, into a real Prometheus started on 127.0.0.1.
 * The same queries then run as instant and range queries against both; the median latency
 * per query and the promlite/Prometheus ratio are reported.
 *
 *   npm run bench:promql [-- --json] [-- --skip-prometheus] [-- --runs=N] [-- --store=memory]
 *
 * promlite is queried through the engine in-process; Prometheus through its HTTP API (so its
 * figures include HTTP and JSON encoding). promlite's CPU time per query is printed too: on a
 * shared machine it varies far less than wall-clock time. With --json the last line is one JSON object:
 * {"queries": [{"name", "type", "promlite_ms", "prometheus_ms"}, ...]}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openStorage } from '../../src/storage/sqliteStorage.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import type { Storage } from '../../src/storage/interface.ts';
import { Labels } from '../../src/storage/labels.ts';
import { ManualClock } from '../../src/clock.ts';
import { Engine } from '../../src/promql/engine.ts';
import { freePort } from '../support/promliteProcess.ts';
import { mulberry32 } from '../support/random.ts';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const skipPrometheus = argv.includes('--skip-prometheus');
const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
const storeKind = argv.find((a) => a.startsWith('--store='))?.slice(8) ?? 'sqlite';
const log = (...a: unknown[]) => console.log(...a);

// ---- data set -------------------------------------------------------------------------------

const STEP_MS = 15_000;
const SAMPLES = 240; // 1 h
const JOBS = 10;
const INSTANCES_PER_JOB = 50;
const CODES = ['200', '404', '500', '503', '302', '201', '400', '401', '403', '429'];
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
// Recent data, so Prometheus's retention keeps the blocks: the hour before the current hour.
const END_MS = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const START_MS = END_MS - (SAMPLES - 1) * STEP_MS;

interface BenchSeries {
  labels: Labels;
  values: Float64Array;
}

function makeDataSet(): BenchSeries[] {
  const rnd = mulberry32(42);
  const out: BenchSeries[] = [];
  for (let j = 0; j < JOBS; j++) {
    for (let i = 0; i < INSTANCES_PER_JOB; i++) {
      const job = `job-${j}`;
      const instance = `host-${j}-${i}:9100`;
      for (const code of CODES) {
        const values = new Float64Array(SAMPLES);
        const rate = rnd() * 20;
        let v = Math.floor(rnd() * 1000);
        for (let k = 0; k < SAMPLES; k++) {
          v += Math.round(rate * 15 * (0.5 + rnd()));
          values[k] = v;
        }
        out.push({ labels: Labels.fromObject({ __name__: 'http_requests_total', job, instance, code }), values });
      }
      const bucketValues = BUCKETS.map(() => new Float64Array(SAMPLES));
      const cum = new Float64Array(BUCKETS.length);
      for (let k = 0; k < SAMPLES; k++) {
        const n = Math.floor(rnd() * 50);
        for (let o = 0; o < n; o++) {
          const x = Math.exp(rnd() * 8 - 6); // latency spread over ~0.002..7 s
          for (let b = 0; b < BUCKETS.length; b++) if (b === BUCKETS.length - 1 || x <= Number(BUCKETS[b])) cum[b]++;
        }
        for (let b = 0; b < BUCKETS.length; b++) bucketValues[b][k] = cum[b];
      }
      BUCKETS.forEach((le, b) =>
        out.push({
          labels: Labels.fromObject({ __name__: 'http_request_duration_seconds_bucket', job, instance, le }),
          values: bucketValues[b],
        }),
      );
    }
  }
  return out;
}

const QUERIES: { name: string; expr: string }[] = [
  { name: 'sum_by_rate', expr: 'sum by (job) (rate(http_requests_total[5m]))' },
  {
    name: 'histogram_quantile',
    expr: 'histogram_quantile(0.9, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  { name: 'topk', expr: 'topk(10, rate(http_requests_total[5m]))' },
  { name: 'regex_selector', expr: 'sum(rate(http_requests_total{instance=~"host-[1-3]-.*", code=~"5.."}[5m]))' },
  {
    name: 'binary_join',
    expr: 'sum by (job, instance) (rate(http_requests_total{code=~"5.."}[5m])) / on (job, instance) sum by (job, instance) (rate(http_requests_total[5m]))',
  },
];
const RANGE_STEP_MS = 60_000;

// ---- helpers ----------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function writeOpenMetrics(file: string, data: BenchSeries[]): void {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  const families = new Map<string, BenchSeries[]>();
  for (const s of data) {
    const f = s.labels.metricName();
    if (!families.has(f)) families.set(f, []);
    families.get(f)!.push(s);
  }
  for (const [family, list] of families) {
    buf += `# TYPE ${family} gauge\n`;
    for (const s of list) {
      const parts: string[] = [];
      s.labels.forEach((n, v) => {
        if (n !== '__name__') parts.push(`${n}=${JSON.stringify(v)}`);
      });
      const head = `${family}{${parts.join(',')}} `;
      for (let k = 0; k < SAMPLES; k++) buf += `${head}${s.values[k]} ${(START_MS + k * STEP_MS) / 1000}\n`;
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
  }
  buf += '# EOF\n';
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

async function startPrometheus(dataDir: string, tmp: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort();
  const config = path.join(tmp, 'prometheus.yml');
  fs.writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const proc = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return { proc, url };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  throw new Error(`prometheus did not become ready: ${stderr}`);
}

async function promQuery(url: string, expr: string, type: 'instant' | 'range'): Promise<number> {
  const params = new URLSearchParams({ query: expr });
  if (type === 'instant') params.set('time', String(END_MS / 1000));
  else {
    params.set('start', String((END_MS - 3_600_000 + 5 * 60_000) / 1000));
    params.set('end', String(END_MS / 1000));
    params.set('step', String(RANGE_STEP_MS / 1000));
  }
  const t0 = performance.now();
  const r = await fetch(`${url}/api/v1/query${type === 'range' ? '_range' : ''}`, { method: 'POST', body: params });
  const body = (await r.json()) as { status: string; error?: string; data: { result: unknown[] } };
  const ms = performance.now() - t0;
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
  return ms;
}

// ---- main -------------------------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-promql-bench-'));
let prom: ChildProcess | null = null;
let storage: Storage | null = null;
try {
  const data = makeDataSet();
  log(`data set: ${data.length} series × ${SAMPLES} samples at ${STEP_MS / 1000}s (${data.length * SAMPLES} samples)`);

  let t0 = performance.now();
  storage =
    storeKind === 'memory'
      ? new MemoryStorage()
      : openStorage({ path: path.join(tmp, 'promlite'), schedule: false, clock: new ManualClock(END_MS) });
  // Scrape-shaped batches: one commit per timestamp.
  const refs = new Array<number>(data.length).fill(0);
  for (let k = 0; k < SAMPLES; k++) {
    const app = storage.appender();
    for (let i = 0; i < data.length; i++) refs[i] = app.append(refs[i], data[i].labels, START_MS + k * STEP_MS, data[i].values[k]);
    app.commit();
  }
  log(`promlite (${storeKind}) load: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  let promUrl: string | null = null;
  if (!skipPrometheus) {
    t0 = performance.now();
    const om = path.join(tmp, 'data.om');
    writeOpenMetrics(om, data);
    const promData = path.join(tmp, 'prometheus');
    const res = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, promData], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`promtool failed: ${res.stderr || res.stdout}`);
    fs.rmSync(om);
    const p = await startPrometheus(promData, tmp);
    prom = p.proc;
    promUrl = p.url;
    log(`prometheus 2.42 load (promtool + startup): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const engine = new Engine();
  const rows: { name: string; type: 'instant' | 'range'; promlite_ms: number; promlite_cpu_ms: number; prometheus_ms: number | null }[] = [];
  for (const q of QUERIES) {
    for (const type of ['instant', 'range'] as const) {
      const ours: number[] = [];
      const oursCpu: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r <= runs; r++) {
        const s = performance.now();
        const cpu0 = process.cpuUsage();
        if (type === 'instant') await engine.instantQuery(storage, q.expr, END_MS);
        else await engine.rangeQuery(storage, q.expr, END_MS - 3_600_000 + 5 * 60_000, END_MS, RANGE_STEP_MS);
        const ms = performance.now() - s;
        const cpu = process.cpuUsage(cpu0);
        if (r > 0) {
          // The first run warms caches.
          ours.push(ms);
          oursCpu.push((cpu.user + cpu.system) / 1000);
        }
        if (promUrl) {
          const pm = await promQuery(promUrl, q.expr, type);
          if (r > 0) theirs.push(pm);
        }
      }
      rows.push({ name: q.name, type, promlite_ms: median(ours), promlite_cpu_ms: median(oursCpu), prometheus_ms: promUrl ? median(theirs) : null });
    }
  }

  log('');
  log(`${'query'.padEnd(20)} ${'type'.padEnd(8)} ${'promlite ms'.padStart(12)} ${'(cpu ms)'.padStart(9)} ${'prometheus ms'.padStart(14)} ${'ratio'.padStart(7)}`);
  for (const r of rows) {
    const ratio = r.prometheus_ms ? (r.promlite_ms / r.prometheus_ms).toFixed(2) : '-';
    log(
      `${r.name.padEnd(20)} ${r.type.padEnd(8)} ${r.promlite_ms.toFixed(1).padStart(12)} ${r.promlite_cpu_ms.toFixed(1).padStart(9)} ${(r.prometheus_ms?.toFixed(1) ?? '-').padStart(14)} ${ratio.padStart(7)}`,
    );
  }
  log(`(median of ${runs} runs after one warm-up; ratio = promlite / prometheus wall-clock, lower is better;`);
  log(` cpu ms = promlite's process CPU time per query, steadier than wall-clock on a loaded machine)`);
  if (json) {
    console.log(
      JSON.stringify({
        queries: rows.map((r) => ({
          name: r.name,
          type: r.type,
          promlite_ms: Number(r.promlite_ms.toFixed(2)),
          prometheus_ms: r.prometheus_ms === null ? null : Number(r.prometheus_ms.toFixed(2)),
        })),
      }),
    );
  }
} finally {
  if (prom) {
    prom.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
  }
  storage?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
