/**
 * Pure data shaping for uPlot (kept apart from the DOM so it is unit-tested): a range-query
 * matrix becomes one shared x axis (every step from start to end) and one y array per series
 * with null where a series has no point or the value is NaN/±Inf (drawn as gaps).
 */
import type { Metric, RangeSeries } from './responseTypes.ts';

export type AlignedData = [number[], ...(number | null)[][]];

/** Parses a Prometheus sample value string; NaN and infinities become null (a gap). */
export function parseValue(v: string): number | null {
  const n = Number(v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : v);
  return Number.isFinite(n) ? n : null;
}

/** x: seconds from start to end by step; y: one array per series, null-filled. */
export function getUPlotData(series: RangeSeries[], startS: number, endS: number, stepS: number): AlignedData {
  const xs: number[] = [];
  // Step arithmetic in ms avoids float drift over thousands of steps.
  const startMs = Math.round(startS * 1000);
  const stepMs = Math.round(stepS * 1000);
  const endMs = Math.round(endS * 1000);
  for (let t = startMs; t <= endMs; t += stepMs) xs.push(t / 1000);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(Math.round(x * 1000), i));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const i = index.get(Math.round(t * 1000));
      if (i !== undefined) y[i] = parseValue(v);
    }
    return y;
  });
  return [xs, ...ys];
}

/** `name{a="b", c="d"}` as Prometheus prints a series. */
export function formatSeries(m: Metric): string {
  const { __name__: name = '', ...rest } = m;
  const pairs = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name || '{}';
}

/** A resolution that gives about 250 points over the range, at least 1 s, rounded to a nice value. */
export function defaultStep(rangeS: number): number {
  const raw = Math.max(1, rangeS / 250);
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  return nice.find((n) => n >= raw) ?? Math.ceil(raw);
}
