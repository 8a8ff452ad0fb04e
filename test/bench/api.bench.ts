/**
 * npm run bench:api [-- --duration=30 --connections=50 --json]
 *
 * The same data (1,000 series × 1 h at 15 s: counters, gauges, histogram buckets) is remote-
 * written into promlite and into Prometheus 2.42; then 50 concurrent clients (autocannon) send
 * a mixed query set (instant and range PromQL, series, labels, label values) for 30 s to each in
 * turn. Reports throughput, p50/p99 latency, errors and peak RSS (VmHWM) of both processes, and
 * the CPU time each process spent per request (utime + stime from /proc): on a machine shared
 * with other work, req/s swings with the load, CPU per request much less.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { startPromlite } from '../support/promliteProcess.ts';
import { startPrometheusPeer } from '../support/prometheusPeer.ts';
import { pushSamples, type PushSeries } from '../support/remoteWritePush.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const DURATION = Number(args.get('duration') ?? 30);
const CONNECTIONS = Number(args.get('connections') ?? 50);
const JSON_OUT = args.has('json');

const END = Math.floor(Date.now() / 15000) * 15000;
const START = END - 3600_000;
const STEP = 15_000;

/** Deterministic dataset: 50 jobs × (10 counters + 5 gauges + 5 histogram buckets) = 1,000 series. */
function dataset(): PushSeries[] {
  const out: PushSeries[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let j = 0; j < 50; j++) {
    const job = `job${j}`;
    const series = (labels: Record<string, string>, next: (prev: number) => number) => {
      const samples: [number, number][] = [];
      let v = 0;
      for (let t = START; t <= END; t += STEP) samples.push([t, (v = next(v))]);
      out.push({ labels, samples });
    };
    for (let c = 0; c < 10; c++) series({ __name__: 'bench_requests_total', job, instance: `i${c}`, code: c % 5 === 0 ? '500' : '200' }, (p) => p + Math.floor(rnd() * 100));
    for (let g = 0; g < 5; g++) series({ __name__: 'bench_memory_bytes', job, instance: `i${g}` }, () => 1e8 + Math.floor(rnd() * 1e6));
    const bounds = ['0.1', '0.5', '1', '5', '+Inf'];
    let acc = [0, 0, 0, 0, 0];
    for (let b = 0; b < 5; b++) {
      series({ __name__: 'bench_latency_seconds_bucket', job, le: bounds[b] }, () => {
        if (b === 0) acc = acc.map((x, i) => x + Math.floor(rnd() * 10) * (i + 1));
        return acc.slice(0, b + 1).reduce((a, x) => a + x, 0);
      });
    }
  }
  return out;
}

async function load(url: string, data: PushSeries[]): Promise<void> {
  for (let i = 0; i < data.length; i += 50) {
    const r = await pushSamples(url, data.slice(i, i + 50));
    if (r.status !== 204 && r.status !== 200) throw new Error(`load into ${url} failed: ${r.status} ${await r.text()}`);
  }
}

function requests(): autocannon.Request[] {
  const s = START / 1000 + 600;
  const e = END / 1000;
  const q = (path: string, p: Record<string, string>) => ({ method: 'GET' as const, path: `${path}?${new URLSearchParams(p)}` });
  return [
    q('/api/v1/query', { query: 'sum by (job) (rate(bench_requests_total[5m]))', time: String(e) }),
    q('/api/v1/query_range', { query: 'sum by (code) (rate(bench_requests_total[5m]))', start: String(s), end: String(e), step: '60' }),
    q('/api/v1/query_range', { query: 'histogram_quantile(0.9, sum by (le) (rate(bench_latency_seconds_bucket[5m])))', start: String(s), end: String(e), step: '60' }),
    q('/api/v1/query', { query: 'topk(5, bench_memory_bytes)', time: String(e) }),
    q('/api/v1/query', { query: 'bench_requests_total{job=~"job1.*",code="500"}', time: String(e) }),
    q('/api/v1/series', { 'match[]': 'bench_memory_bytes{job="job7"}', start: String(s), end: String(e) }),
    q('/api/v1/labels', { start: String(s), end: String(e) }),
    q('/api/v1/label/job/values', { start: String(s), end: String(e) }),
  ];
}

function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Hammers url for DURATION s; also returns the server's CPU milliseconds per request. */
async function hammer(url: string, pid: number): Promise<{ result: autocannon.Result; cpuMsPerReq: number }> {
  const before = cpuSeconds(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: requests() });
  return { result, cpuMsPerReq: ((cpuSeconds(pid) - before) * 1000) / Math.max(1, result.requests.total) };
}

async function main() {
  const data = dataset();
  const pl = await startPromlite(['--web.enable-remote-write-receiver', '--log.level=warn']);
  const prom = await startPrometheusPeer({ config: 'global: { scrape_interval: 1m }\n', args: ['--web.enable-remote-write-receiver'] });
  try {
    await load(pl.url, data);
    await load(prom.url, data);
    // Warm both the same way, then measure one after the other (2 cores: never at once).
    await autocannon({ url: pl.url, connections: 4, amount: 200, requests: requests() });
    await autocannon({ url: prom.url, connections: 4, amount: 200, requests: requests() });
    const { result: a, cpuMsPerReq: cpuA } = await hammer(pl.url, pl.proc.pid!);
    const { result: b, cpuMsPerReq: cpuB } = await hammer(prom.url, prom.proc.pid!);
    const res = {
      rps: Math.round(a.requests.average),
      prometheus_rps: Math.round(b.requests.average),
      p50_ms: a.latency.p50,
      prometheus_p50_ms: b.latency.p50,
      p99_ms: a.latency.p99,
      prometheus_p99_ms: b.latency.p99,
      errors: a.errors + a.non2xx,
      prometheus_errors: b.errors + b.non2xx,
      rss_peak_bytes: peakRss(pl.proc.pid!),
      prometheus_rss_peak_bytes: peakRss(prom.proc.pid!),
      cpu_ms_per_req: Number(cpuA.toFixed(3)),
      prometheus_cpu_ms_per_req: Number(cpuB.toFixed(3)),
      load_avg: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    };
    console.log(`series=${data.length} samples=${data.reduce((n, s) => n + s.samples.length, 0)} connections=${CONNECTIONS} duration=${DURATION}s`);
    console.log(`promlite:   ${res.rps} req/s  p50 ${res.p50_ms} ms  p99 ${res.p99_ms} ms  errors ${res.errors}  peak RSS ${(res.rss_peak_bytes / 2 ** 20).toFixed(1)} MiB  CPU ${res.cpu_ms_per_req} ms/req`);
    console.log(`prometheus: ${res.prometheus_rps} req/s  p50 ${res.prometheus_p50_ms} ms  p99 ${res.prometheus_p99_ms} ms  errors ${res.prometheus_errors}  peak RSS ${(res.prometheus_rss_peak_bytes / 2 ** 20).toFixed(1)} MiB  CPU ${res.prometheus_cpu_ms_per_req} ms/req`);
    console.log(`ratio (promlite/prometheus): throughput ${(res.rps / res.prometheus_rps).toFixed(2)}  p99 ${(res.p99_ms / res.prometheus_p99_ms).toFixed(2)}  RSS ${(res.rss_peak_bytes / res.prometheus_rss_peak_bytes).toFixed(2)}  CPU/req ${(res.cpu_ms_per_req / res.prometheus_cpu_ms_per_req).toFixed(2)}  (load average ${res.load_avg})`);
    if (JSON_OUT) console.log(JSON.stringify(res));
  } finally {
    await pl.stop();
    await prom.stop();
  }
}

await main();
