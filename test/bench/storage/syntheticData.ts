/**
 * Deterministic synthetic scrape data for the storage bench: 1,000 series scraped every 15 s
 * from 2 targets of 500 series each (DESIGN.md's reference workload scrapes 500-series targets),
 * with values that change the way real exporters' do:
 *  - counters: integer increments of varying rate (request/byte counters), some idle;
 *  - gauges: memory-like integers drifting, temperatures / load averages with 2 decimals,
 *    queue lengths that sit at 0 then spike, constant info-style gauges;
 *  - histograms: cumulative bucket counters, _sum (float seconds) and _count.
 */
import { Labels } from '../../../src/storage/labels.ts';

export const SERIES = 1000;
export const SAMPLES_PER_SERIES = 7200;
export const STEP_MS = 15_000;
export const START_MS = 1_700_000_000_000;
export const TARGETS = 2;

/** mulberry32: small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticSeries {
  labels: Labels;
  /** Family name for the OpenMetrics TYPE line. */
  family: string;
  target: number;
  /** Value at scrape i (called with i = 0, 1, 2, ... in order). */
  next: () => number;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function makeSeries(): SyntheticSeries[] {
  const out: SyntheticSeries[] = [];
  const r = rng(42);
  for (let target = 0; target < TARGETS; target++) {
    const instance = `10.0.0.${target + 1}:9100`;
    const base = (name: string, extra: Record<string, string> = {}) => Labels.fromObject({ __name__: name, job: 'node', instance, ...extra });
    // 200 counters per target: requests by handler/code, bytes.
    for (let k = 0; k < 200; k++) {
      const rate = k % 5 === 4 ? 0 : Math.floor(r() * 50) + 1; // some idle counters
      let v = Math.floor(r() * 1e6);
      const rr = rng(1000 + target * 1000 + k);
      const name = k < 150 ? 'http_requests_total' : 'node_network_receive_bytes_total';
      const labels = k < 150 ? base(name, { handler: `/api/v${k % 3}/h${k}`, code: ['200', '404', '500'][k % 3] }) : base(name, { device: `eth${k}` });
      const scale = k < 150 ? 1 : 1500;
      out.push({ labels, family: name, target, next: () => (v += Math.floor(rr() * rate * 2) * scale) });
    }
    // 150 gauges per target.
    for (let k = 0; k < 150; k++) {
      const rr = rng(2000 + target * 1000 + k);
      if (k < 50) {
        let v = 2 ** 30 + Math.floor(r() * 2 ** 28);
        out.push({ labels: base('node_memory_used_bytes', { kind: `k${k}` }), family: 'node_memory_used_bytes', target, next: () => (v += Math.floor((rr() - 0.5) * 4096) * 4096) });
      } else if (k < 100) {
        let v = 40 + r() * 20;
        out.push({
          labels: base('node_hwmon_temp_celsius', { sensor: `temp${k}` }),
          family: 'node_hwmon_temp_celsius',
          target,
          next: () => {
            v += (rr() - 0.5) * 0.5;
            return Math.round(v * 100) / 100;
          },
        });
      } else if (k < 125) {
        out.push({
          labels: base('queue_length', { queue: `q${k}` }),
          family: 'queue_length',
          target,
          next: () => (rr() < 0.9 ? 0 : Math.floor(rr() * 20)),
        });
      } else {
        const c = Math.floor(r() * 64);
        out.push({ labels: base('node_cpu_count', { socket: `s${k}` }), family: 'node_cpu_count', target, next: () => c });
      }
    }
    // 10 histograms per target: 11 buckets + +Inf + _sum + _count = 14 series each.
    for (let h = 0; h < 10; h++) {
      const rr = rng(3000 + target * 10 + h);
      const name = 'http_request_duration_seconds';
      const handler = `/h${h}`;
      const counts = new Array(BUCKETS.length + 1).fill(0);
      let sum = 0;
      let count = 0;
      let tick = -1;
      // All series of a histogram advance together: the first bucket's next() simulates the scrape.
      const advance = () => {
        const n = Math.floor(rr() * 30);
        for (let j = 0; j < n; j++) {
          const d = -Math.log(1 - rr()) * 0.08; // exponential latencies, mean 80 ms
          sum += d;
          count++;
          for (let b = 0; b < BUCKETS.length; b++) if (d <= BUCKETS[b]) counts[b]++;
          counts[BUCKETS.length]++;
        }
      };
      let idx = 0;
      for (let b = 0; b <= BUCKETS.length; b++) {
        const bi = b;
        const le = b < BUCKETS.length ? String(BUCKETS[b]) : '+Inf';
        const first = idx++ === 0;
        out.push({
          labels: base(`${name}_bucket`, { handler, le }),
          family: `${name}_bucket`,
          target,
          next: () => {
            if (first) {
              tick++;
              advance();
            }
            return counts[bi];
          },
        });
      }
      out.push({ labels: base(`${name}_sum`, { handler }), family: `${name}_sum`, target, next: () => sum });
      out.push({ labels: base(`${name}_count`, { handler }), family: `${name}_count`, target, next: () => count });
      void tick;
    }
  }
  // 2 targets x (200 + 150 + 140) = 980; top up with 10 constant gauges per target.
  for (let k = 0; out.length < SERIES; k++) {
    out.push({ labels: Labels.fromObject({ __name__: 'up', job: `extra${k}`, instance: `10.0.0.${(k % TARGETS) + 1}:9100` }), family: 'up', target: k % TARGETS, next: () => 1 });
  }
  return out;
}

/**
 * Values of every series at every scrape, generated once: values[i * SERIES + s].
 * The cumulative histogram buckets cumulate (each count includes lower buckets).
 */
export function generateValues(series: SyntheticSeries[]): Float64Array {
  const vals = new Float64Array(SERIES * SAMPLES_PER_SERIES);
  for (let i = 0; i < SAMPLES_PER_SERIES; i++) {
    for (let s = 0; s < SERIES; s++) vals[i * SERIES + s] = series[s].next();
  }
  return vals;
}
