/**
 * npm run bench:scrape [-- --json] [--duration=120] [--storage=sqlite|memory|null]
 *
 * 1. Parser throughput on a live node-exporter payload (MB/s, samples/s), parse only and
 *    parse + scrape cache (the hot path of a scrape with unchanged series).
 * 2. End to end: 20 targets × 500 series served by a separate process, scraped every 1 s for
 *    `--duration` seconds by `promlite serve` (the real server, real storage) and by Prometheus 2.42 at the
 *    same time. CPU comes from each process's /proc/<pid>/stat over the measured window (after a
 *    warm-up), samples from promlite's appender count and from Prometheus's own `up` samples ×
 *    (series + 5 report series) in the window, RSS from /proc/<pid>/status at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parsePrometheusConfig } from '../../src/config/prometheusConfig.ts';
import { Entry } from '../../src/scrape/expositionParser.ts';
import { NO_ENTRY, NO_SERIES, ScrapeCache } from '../../src/scrape/scrapeCache.ts';
import { ScrapeManager } from '../../src/scrape/targetManager.ts';
import { TextParser } from '../../src/scrape/textParser.ts';
import type { Appendable, Appender } from '../../src/storage/interface.ts';
import { Labels } from '../../src/storage/labels.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import { openStorage } from '../../src/storage/sqliteStorage.ts';
import { startNodeExporter } from '../support/nodeExporterPeer.ts';
import { startPrometheusPeer } from '../support/prometheusPeer.ts';
import { startPromlite } from '../support/promliteProcess.ts';

const TARGETS = 20;
const SERIES = 500;
const args = process.argv.slice(2);
const flag = (name: string, def: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def;
const json = args.includes('--json');
const self = fileURLToPath(import.meta.url);
const CLK_TCK = 100; // USER_HZ on Linux

function log(msg: string): void {
  if (!json) console.log(msg);
  else console.error(msg);
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Bytes a process wrote: `wchar` (what it passed to write(2)/pwrite(2), sockets included: here a
 * few KB of scrape requests) and `write_bytes` (page-cache pages it dirtied, i.e. what reaches
 * the disk; a page rewritten while still dirty counts once). From /proc/<pid>/io.
 */
function ioWritten(pid: number): { wchar: number; disk: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  return { wchar: field('wchar'), disk: field('write_bytes') };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

// ---------------------------------------------------------------- role: target servers
async function runTargets(): Promise<void> {
  const ports: number[] = [];
  for (let t = 0; t < TARGETS; t++) {
    // A few body variants per target so values change between scrapes; gzip precomputed.
    const variants: Buffer[] = [];
    for (let v = 0; v < 8; v++) {
      let body = '';
      for (let f = 0; f < SERIES / 10; f++) {
        body += `# HELP bench_metric_${f}_total Benchmark counter family ${f}.\n# TYPE bench_metric_${f}_total counter\n`;
        for (let s = 0; s < 10; s++) {
          body += `bench_metric_${f}_total{target="t${t}",shard="${s}",method="GET",code="200"} ${(f * 1000 + s * 17 + v * 13.5).toFixed(1)}\n`;
        }
      }
      variants.push(gzipSync(body));
    }
    let n = 0;
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Encoding': 'gzip' });
      res.end(variants[n++ % variants.length]);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    ports.push((srv.address() as { port: number }).port);
  }
  process.stdout.write(JSON.stringify({ ports }) + '\n');
}

// ---------------------------------------------------------------- role: promlite scraper
async function runPromlite(ports: number[], storageKind: string): Promise<void> {
  let appended = 0;
  let dir = '';
  let storage: Appendable & { close(): void };
  if (storageKind === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'promlite-bench-'));
    storage = openStorage({ path: dir, schedule: false });
  } else if (storageKind === 'null') {
    // The scrape path alone: an appender that only hands out refs.
    const refs = new Map<string, number>();
    const nullAppender: Appender = { append: (ref, l) => ref || (refs.get(l.key()) ?? refs.set(l.key(), refs.size + 1).size), commit() {}, rollback() {} };
    storage = { appender: () => nullAppender, close() {} };
  } else storage = new MemoryStorage();
  const counting: Appendable = {
    appender(): Appender {
      const inner = storage.appender();
      return {
        append(ref, labels, t, v) {
          appended++;
          return inner.append(ref, labels, t, v);
        },
        commit: () => inner.commit(),
        rollback: () => inner.rollback(),
      };
    },
  };
  const mgr = new ScrapeManager({ appendable: counting });
  mgr.applyConfig(parsePrometheusConfig(`scrape_configs:\n  - job_name: bench\n    scrape_interval: 1s\n`).scrapeConfigs);
  mgr.updateTargets(
    new Map([['bench', [{ source: 'bench', targets: ports.map((p) => Labels.fromObject({ __address__: `127.0.0.1:${p}` })), labels: Labels.EMPTY }]]]),
  );
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    // The parent asks for a reading: "mark" → samples so far and health.
    if (d.includes('mark')) {
      const down = mgr.targets().active.filter((t) => t.health !== 'up').length;
      process.stdout.write(JSON.stringify({ appended, down }) + '\n');
    }
    if (d.includes('quit')) {
      mgr.stop();
      storage.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
}

// ---------------------------------------------------------------- role: driver
function lines(proc: ChildProcess): () => Promise<Record<string, unknown>> {
  let buf = '';
  const waiting: Array<(v: Record<string, unknown>) => void> = [];
  const queued: Array<Record<string, unknown>> = [];
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const obj = JSON.parse(line) as Record<string, unknown>;
      const w = waiting.shift();
      if (w) w(obj);
      else queued.push(obj);
    }
  });
  return () => new Promise((r) => (queued.length ? r(queued.shift()!) : waiting.push(r)));
}

function spawnRole(role: string, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', self, `--role=${role}`, ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Samples Prometheus ingested for the bench job in the last `windowS` seconds: scrapes × samples per scrape. */
async function promSamples(port: number, windowS: number): Promise<number> {
  const q = `sum(count_over_time(up{job="bench"}[${windowS}s])) * (${SERIES} + 5)`;
  const r = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    data: { result: Array<{ value: [number, string] }> };
  };
  return Number(r.data.result[0]?.value[1] ?? NaN);
}

async function parserThroughput(): Promise<{ mbPerSec: number; samplesPerSec: number; cachedMbPerSec: number; bytes: number; samples: number }> {
  const ne = await startNodeExporter();
  let body: Buffer;
  try {
    const r = await fetch(`http://127.0.0.1:${ne.port}/metrics`, { headers: { Accept: 'text/plain;version=0.0.4' } });
    body = Buffer.from(await r.arrayBuffer());
  } finally {
    await ne.stop();
  }
  const parseOnce = (): number => {
    const p = new TextParser(body);
    let n = 0;
    let sink = 0;
    for (;;) {
      const e = p.next();
      if (e === Entry.EOF) break;
      if (e === Entry.Series) {
        n++;
        sink += p.value;
      }
    }
    return n + (sink === -1 ? 1 : 0);
  };
  const cache = new ScrapeCache();
  // The scrape loop's hot path without storage: predicted lines checked in place, others
  // scanned and looked up by hash.
  const parseCached = (): number => {
    const p = new TextParser(body);
    cache.begin();
    let n = 0;
    for (;;) {
      let id = cache.predicted();
      let e: number;
      if (id !== NO_ENTRY && p.skipKnownLine(cache.bytes, cache.entryStart(id), cache.entryEnd(id), cache.isMeta(id))) {
        cache.touch(id);
        if (cache.isMeta(id)) continue;
        e = Entry.Series;
      } else {
        e = p.next();
        id = NO_ENTRY;
      }
      if (e === Entry.EOF) break;
      if (e !== Entry.Series) {
        if (e !== Entry.Comment && !cache.metaSeen(p.buf, p.metaLineStart, p.metaLineEnd)) {
          cache.setMetadata(p.buf, p.metaLineStart, p.metaLineEnd, p.metaName(), e === Entry.Type ? 'type' : 'help', p.metaText(), p.metaType());
        }
        continue;
      }
      n++;
      if (id === NO_ENTRY) id = cache.find(p.buf, p.seriesStart, p.seriesEnd);
      if (id === NO_ENTRY) id = cache.addSeries(p.buf, p.seriesStart, p.seriesEnd, p.labels());
      const series = cache.seriesOf(id);
      if (series !== NO_SERIES) cache.mark(series, p.hasTimestamp);
    }
    cache.commit(() => {});
    return n;
  };
  const time = (fn: () => number): { secs: number; iters: number; samples: number } => {
    for (let i = 0; i < 50; i++) fn(); // warm-up (JIT)
    let iters = 0;
    let samples = 0;
    const start = process.hrtime.bigint();
    let secs = 0;
    while (secs < 2) {
      samples = fn();
      iters++;
      secs = Number(process.hrtime.bigint() - start) / 1e9;
    }
    return { secs, iters, samples };
  };
  const plain = time(parseOnce);
  const cached = time(parseCached);
  return {
    mbPerSec: (body.length * plain.iters) / plain.secs / 1e6,
    samplesPerSec: (plain.samples * plain.iters) / plain.secs,
    cachedMbPerSec: (body.length * cached.iters) / cached.secs / 1e6,
    bytes: body.length,
    samples: plain.samples,
  };
}

/**
 * The promlite side of the end-to-end run. With real storage it is the real server
 * (`promlite serve` from the bundle, scraping the targets from a generated config), counted by
 * its own `promlite_tsdb_head_samples_appended_total`; `--storage=memory|null` runs the scrape
 * manager alone in a child process to isolate the scrape path.
 */
interface PromliteUnderTest {
  pid: number;
  appended(): Promise<{ appended: number; down: number }>;
  stop(): Promise<void>;
}

async function startPromliteUnderTest(ports: number[], jobs: string, storageKind: string): Promise<PromliteUnderTest> {
  if (storageKind !== 'sqlite') {
    const child = spawnRole('promlite', [`--ports=${ports.join(',')}`, `--storage=${storageKind}`]);
    const next = lines(child);
    await next();
    return {
      pid: child.pid!,
      appended: async () => {
        child.stdin!.write('mark\n');
        return (await next()) as { appended: number; down: number };
      },
      stop: async () => void child.stdin!.write('quit\n'),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'promlite-bench-'));
  writeFileSync(join(dir, 'promlite.yml'), `global:\n  scrape_interval: 1s\n${jobs}`);
  const server = await startPromlite([`--config.file=${join(dir, 'promlite.yml')}`, '--log.level=warn'], { dataDir: join(dir, 'data') });
  return {
    pid: server.proc.pid!,
    appended: async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const appended = Number(/^promlite_tsdb_head_samples_appended_total (\S+)$/m.exec(text)?.[1] ?? NaN);
      const t = (await (await fetch(`${server.url}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
      return { appended, down: t.data.activeTargets.filter((x) => x.health !== 'up').length };
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function endToEnd(durationS: number, storageKind: string) {
  const targets = spawnRole('targets');
  const targetsLine = lines(targets);
  const { ports } = (await targetsLine()) as { ports: number[] };
  const jobs = `scrape_configs:\n  - job_name: bench\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs: [{targets: [${ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]}]\n`;
  const promlite = await startPromliteUnderTest(ports, jobs, storageKind);
  const prom = await startPrometheusPeer({ config: `global:\n  scrape_interval: 1s\n${jobs}` });
  try {
    const warmup = Math.min(15, Math.max(3, Math.floor(durationS / 8)));
    log(`end-to-end: warming up ${warmup}s, then measuring ${durationS}s ...`);
    await new Promise((r) => setTimeout(r, warmup * 1000));
    const m0 = await promlite.appended();
    const plCpu0 = cpuSeconds(promlite.pid);
    const prCpu0 = cpuSeconds(prom.proc.pid!);
    const plIo0 = ioWritten(promlite.pid);
    const prIo0 = ioWritten(prom.proc.pid!);
    await new Promise((r) => setTimeout(r, durationS * 1000));
    const m1 = await promlite.appended();
    const plCpu1 = cpuSeconds(promlite.pid);
    const prCpu1 = cpuSeconds(prom.proc.pid!);
    const plIo1 = ioWritten(promlite.pid);
    const prIo1 = ioWritten(prom.proc.pid!);
    const plRss = rssBytes(promlite.pid);
    const prRss = rssBytes(prom.proc.pid!);
    const plSamples = m1.appended - m0.appended;
    const prSamples = await promSamples(prom.port, durationS);
    return {
      promliteCpu: plCpu1 - plCpu0,
      prometheusCpu: prCpu1 - prCpu0,
      promliteSamples: plSamples,
      prometheusSamples: prSamples,
      cpuPerMillion: ((plCpu1 - plCpu0) / plSamples) * 1e6,
      promCpuPerMillion: ((prCpu1 - prCpu0) / prSamples) * 1e6,
      rss: plRss,
      promRss: prRss,
      downTargets: m1.down,
      wcharPerSample: (plIo1.wchar - plIo0.wchar) / plSamples,
      promWcharPerSample: (prIo1.wchar - prIo0.wchar) / prSamples,
      diskPerSample: (plIo1.disk - plIo0.disk) / plSamples,
      promDiskPerSample: (prIo1.disk - prIo0.disk) / prSamples,
    };
  } finally {
    await prom.stop();
    await promlite.stop();
    targets.kill();
  }
}

async function main(): Promise<void> {
  const role = flag('role', '');
  if (role === 'targets') return runTargets();
  if (role === 'promlite') return runPromlite(flag('ports', '').split(',').map(Number), flag('storage', 'sqlite'));

  const durationS = Number(flag('duration', '120'));
  const storageKind = flag('storage', 'sqlite');
  const p = await parserThroughput();
  log(
    `parser (node-exporter payload, ${(p.bytes / 1024).toFixed(0)} KiB, ${p.samples} samples): ` +
      `${p.mbPerSec.toFixed(1)} MB/s, ${(p.samplesPerSec / 1e6).toFixed(2)} M samples/s; with scrape cache ${p.cachedMbPerSec.toFixed(1)} MB/s`,
  );
  const e = await endToEnd(durationS, storageKind);
  log(
    `end-to-end ${TARGETS}x${SERIES} @1s for ${durationS}s (storage: ${storageKind}):\n` +
      `  promlite:   ${e.promliteCpu.toFixed(2)} CPU-s for ${e.promliteSamples} samples = ${e.cpuPerMillion.toFixed(3)} CPU-s/M, RSS ${(e.rss / 2 ** 20).toFixed(1)} MiB, wrote ${e.wcharPerSample.toFixed(1)} B/sample (disk ${e.diskPerSample.toFixed(1)}), down targets ${e.downTargets}\n` +
      `  prometheus: ${e.prometheusCpu.toFixed(2)} CPU-s for ${e.prometheusSamples} samples = ${e.promCpuPerMillion.toFixed(3)} CPU-s/M, RSS ${(e.promRss / 2 ** 20).toFixed(1)} MiB, wrote ${e.promWcharPerSample.toFixed(1)} B/sample (disk ${e.promDiskPerSample.toFixed(1)})\n` +
      `  ratio: CPU ${(e.cpuPerMillion / e.promCpuPerMillion).toFixed(2)}x, RSS ${(e.rss / e.promRss).toFixed(2)}x`,
  );
  if (json) {
    console.log(
      JSON.stringify({
        parse_mb_per_sec: Number(p.mbPerSec.toFixed(2)),
        parse_samples_per_sec: Math.round(p.samplesPerSec),
        parse_cached_mb_per_sec: Number(p.cachedMbPerSec.toFixed(2)),
        cpu_s_per_million: Number(e.cpuPerMillion.toFixed(4)),
        prometheus_cpu_s_per_million: Number(e.promCpuPerMillion.toFixed(4)),
        rss_bytes: e.rss,
        prometheus_rss_bytes: e.promRss,
        written_bytes_per_sample: Number(e.wcharPerSample.toFixed(2)),
        prometheus_written_bytes_per_sample: Number(e.promWcharPerSample.toFixed(2)),
        disk_bytes_per_sample: Number(e.diskPerSample.toFixed(2)),
        prometheus_disk_bytes_per_sample: Number(e.promDiskPerSample.toFixed(2)),
        storage: storageKind,
        duration_s: durationS,
      }),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
