/**
 * `promlite query instant|range URL EXPR`: a small Prometheus-API client, printing results
 * the way promtool does (`metric{labels} => value @[time]`), so scripts can switch tools.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './serveFlags.ts';

interface SeriesJson {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

function formatMetric(m: Record<string, string>): string {
  const { __name__: name = '', ...rest } = m;
  const pairs = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

export function formatQueryData(data: { resultType: string; result: unknown }): string {
  switch (data.resultType) {
    case 'vector':
      return (data.result as SeriesJson[]).map((s) => `${formatMetric(s.metric)} => ${s.value![1]} @[${s.value![0]}]`).join('\n');
    case 'matrix':
      return (data.result as SeriesJson[])
        .map((s) => `${formatMetric(s.metric)} =>\n${s.values!.map(([t, v]) => `${v} @[${t}]`).join('\n')}`)
        .join('\n');
    case 'scalar':
    case 'string': {
      const [t, v] = data.result as [number, string];
      return `${data.resultType === 'string' ? JSON.stringify(v) : v} @[${t}]`;
    }
    default:
      return JSON.stringify(data.result);
  }
}

export async function queryCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { start: { type: 'string' }, end: { type: 'string' }, step: { type: 'string' }, time: { type: 'string' } },
  });
  const [kind, url, expr] = positionals;
  if (!['instant', 'range'].includes(kind ?? '') || !url || expr === undefined) {
    throw new UsageError('usage: promlite query instant|range URL EXPR [--time=T | --start=T --end=T --step=D]');
  }
  const form = new URLSearchParams({ query: expr });
  if (kind === 'instant') {
    if (values.time) form.set('time', values.time);
  } else {
    const now = Date.now() / 1000;
    form.set('start', values.start ?? String(now - 300));
    form.set('end', values.end ?? String(now));
    form.set('step', values.step ?? '15');
  }
  const endpoint = new URL(kind === 'instant' ? 'api/v1/query' : 'api/v1/query_range', url.endsWith('/') ? url : url + '/');
  const res = await fetch(endpoint, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const body = (await res.json()) as { status: string; data?: { resultType: string; result: unknown }; error?: string; errorType?: string };
  if (body.status !== 'success' || !body.data) {
    process.stderr.write(`query error: ${body.errorType ?? res.status}: ${body.error ?? res.statusText}\n`);
    return 1;
  }
  const out = formatQueryData(body.data);
  if (out) process.stdout.write(out + '\n');
  return 0;
}
