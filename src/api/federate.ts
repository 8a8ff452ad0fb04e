/**
 * GET /federate?match[]=...: the newest sample of every matching series (within the lookback
 * window, stale series left out) in the text exposition format 0.0.4, with external labels
 * added where the series lacks them — what a federating Prometheus scrapes.
 */
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../storage/interface.ts';
import { Labels, METRIC_NAME } from '../storage/labels.ts';
import type { Matcher } from '../storage/matcher.ts';
import { isStaleNaN } from '../storage/staleMarker.ts';
import type { Clock } from '../clock.ts';
import { requestParams } from './params.ts';

export interface FederateOptions {
  queryable: Queryable;
  parseSelector: (s: string) => Matcher[];
  externalLabels: () => Labels;
  clock: Clock;
  lookbackDeltaMs: number;
}

/** Go's %g-like value formatting used by the text format (expfmt writes floats with 'g'). */
export function formatExpositionValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) {
    // Go 'g' switches to exponent form for exp < -4 || exp >= 21 (shortest repr): 1e-05, 1.5e+21.
    const [m, e] = v.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatSeriesLine(l: Labels, v: number, t: number): string {
  const parts: string[] = [];
  l.forEach((n, val) => {
    if (n !== METRIC_NAME) parts.push(`${n}="${escapeLabelValue(val)}"`);
  });
  return `${l.metricName()}${parts.length ? `{${parts.join(',')}}` : ''} ${formatExpositionValue(v)} ${t}\n`;
}

export async function federateRoutes(app: FastifyInstance, opts: FederateOptions): Promise<void> {
  app.get('/federate', async (req, reply) => {
    const p = requestParams(req);
    const selectors = p.get('match[]') ?? [];
    let matcherSets: Matcher[][];
    try {
      matcherSets = selectors.map((s) => opts.parseSelector(s));
    } catch (e) {
      return reply.code(400).header('content-type', 'text/plain; charset=utf-8').send((e as Error).message);
    }
    const now = opts.clock.now();
    const querier = opts.queryable.querier(now - opts.lookbackDeltaMs, now);
    const external = opts.externalLabels();
    const byName = new Map<string, string[]>();
    const seen = new Set<string>();
    try {
      for (const ms of matcherSets) {
        const set = querier.select(ms, { sorted: true });
        while (set.next()) {
          const s = set.at();
          if (seen.has(s.labels.key())) continue;
          seen.add(s.labels.key());
          const it = s.iterator();
          let t = NaN;
          let v = 0;
          while (it.next()) {
            t = it.atT();
            v = it.atV();
          }
          if (Number.isNaN(t) || isStaleNaN(v)) continue;
          const merged = new Map<string, string>();
          external.forEach((n, val) => merged.set(n, val));
          s.labels.forEach((n, val) => merged.set(n, val));
          const labels = Labels.fromPairs(merged);
          const name = labels.metricName();
          const lines = byName.get(name) ?? [];
          lines.push(formatSeriesLine(labels, v, t));
          byName.set(name, lines);
        }
        const err = set.err();
        if (err) return reply.code(400).header('content-type', 'text/plain; charset=utf-8').send(err.message);
      }
    } finally {
      querier.close();
    }
    let out = '';
    for (const name of [...byName.keys()].sort()) out += `# TYPE ${name} untyped\n` + byName.get(name)!.join('');
    return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(out);
  });
}
