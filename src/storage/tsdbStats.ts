/** Cardinality statistics in the shape of Prometheus's /api/v1/status/tsdb `data`. */
import type { HeadSeries } from './headSeries.ts';

export interface NameCount {
  name: string;
  value: number;
}

export interface TsdbStats {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

function top(m: Map<string, number>, limit: number): NameCount[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([name, value]) => ({ name, value }));
}

function bump(m: Map<string, number>, k: string, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

export function computeTsdbStats(series: Iterable<HeadSeries>, limit: number, minTime: number, maxTime: number, chunkCount: number): TsdbStats {
  const byMetric = new Map<string, number>();
  const valuesByName = new Map<string, Set<string>>();
  const bytesByName = new Map<string, number>();
  const byPair = new Map<string, number>();
  let numSeries = 0;
  for (const s of series) {
    if (!s.persisted) continue;
    numSeries++;
    const name = s.labels.metricName();
    if (name !== '') bump(byMetric, name);
    s.labels.forEach((n, v) => {
      let vs = valuesByName.get(n);
      if (!vs) valuesByName.set(n, (vs = new Set()));
      vs.add(v);
      bump(byPair, `${n}=${v}`);
    });
  }
  let numLabelPairs = 0;
  const valueCount = new Map<string, number>();
  for (const [n, vs] of valuesByName) {
    valueCount.set(n, vs.size);
    numLabelPairs += vs.size;
    let bytes = 0;
    for (const v of vs) bytes += v.length;
    bytesByName.set(n, bytes);
  }
  return {
    headStats: {
      numSeries,
      numLabelPairs,
      chunkCount,
      minTime: Number.isFinite(minTime) ? minTime : 0,
      maxTime: Number.isFinite(maxTime) ? maxTime : 0,
    },
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCount, limit),
    memoryInBytesByLabelName: top(bytesByName, limit),
    seriesCountByLabelValuePair: top(byPair, limit),
  };
}
