/**
 * Focused read-path bench of the SQLite store: selector resolution (postings) and chunk reads,
 * on the PromQL bench's counters (5,000 series: 10 jobs × 50 instances × 10 codes, 240 samples
 * at 15 s). Reports CPU ms per operation (process.cpuUsage, less noisy than wall clock on a
 * shared machine), median of several rounds.
 *
 *   node --import tsx test/bench/storage/select.bench.ts [--compact] [--rounds=N]
 *
 * --compact writes the data into the chunks table first (reads then hit SQLite as after a
 * scheduled compaction); without it everything is still in memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';

const argv = process.argv.slice(2);
const compact = argv.includes('--compact');
const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);

const CODES = ['200', '404', '500', '503', '302', '201', '400', '401', '403', '429'];
const STEP = 15_000;
const SAMPLES = 240;
const END = 1_700_000_000_000;
const START = END - (SAMPLES - 1) * STEP;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-select-bench-'));
const store = openStorage({ path: dir, schedule: false });
try {
  const labels: Labels[] = [];
  for (let j = 0; j < 10; j++)
    for (let i = 0; i < 50; i++)
      for (let c = 0; c < 10; c++)
        labels.push(Labels.fromObject({ __name__: 'http_requests_total', job: `job-${j}`, instance: `host-${j}-${i}:9100`, code: CODES[c] }));
  const refs = new Array<number>(labels.length).fill(0);
  for (let k = 0; k < SAMPLES; k++) {
    const app = store.appender();
    for (let i = 0; i < labels.length; i++) refs[i] = app.append(refs[i], labels[i], START + k * STEP, k * (i % 7));
    app.commit();
  }
  if (compact) store.compact({ checkpoint: true });

  const m = (t: '=' | '!=' | '=~' | '!~', n: string, v: string) => new Matcher(t, n, v);
  const name = m('=', '__name__', 'http_requests_total');
  const recent = { mint: END - 300_000, maxt: END };
  const oldest = { mint: START, maxt: START + 300_000 };
  const cases: { name: string; matchers: Matcher[]; iterate: boolean; range?: { mint: number; maxt: number } }[] = [
    { name: 'regex_prefix (postings only)', matchers: [name, m('=~', 'instance', 'host-[1-3]-.*'), m('=~', 'code', '5..')], iterate: false },
    { name: 'regex_alternation (postings only)', matchers: [name, m('=~', 'job', 'job-1|job-2|job-3')], iterate: false },
    { name: 'negative_regex (postings only)', matchers: [name, m('!~', 'code', '2..')], iterate: false },
    { name: '5k series, last 5m, iterate', matchers: [name], iterate: true },
    { name: '5k series, first 5m, iterate', matchers: [name], iterate: true, range: oldest },
  ];

  const cpuMs = (f: () => void): number => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  console.log(`${compact ? 'compacted (chunks table)' : 'in-memory heads'}; CPU ms per op, median of ${rounds}`);
  for (const cs of cases) {
    const reps = cs.iterate ? 3 : 50;
    const samples: number[] = [];
    let series = 0;
    for (let r = 0; r <= rounds; r++) {
      const ms =
        cpuMs(() => {
          for (let k = 0; k < reps; k++) {
            const { mint, maxt } = cs.range ?? recent;
            const q = store.querier(mint, maxt);
            const set = q.select(cs.matchers);
            series = 0;
            while (set.next()) {
              series++;
              if (cs.iterate) {
                const it = set.at().iterator();
                while (it.next()) it.atV();
              }
            }
            if (set.err()) throw set.err();
          }
        }) / reps;
      if (r > 0) samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    console.log(`${cs.name.padEnd(36)} ${String(series).padStart(6)} series ${samples[samples.length >> 1].toFixed(3).padStart(9)} ms`);
  }
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
