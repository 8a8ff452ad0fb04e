/** Writes the synthetic data set as an OpenMetrics file for `promtool tsdb create-blocks-from`. */
import fs from 'node:fs';
import type { SyntheticSeries } from './syntheticData.ts';
import { SAMPLES_PER_SERIES, SERIES, START_MS, STEP_MS } from './syntheticData.ts';

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function seriesText(s: SyntheticSeries): string {
  const parts: string[] = [];
  s.labels.forEach((n, v) => {
    if (n !== '__name__') parts.push(`${n}=${JSON.stringify(v)}`);
  });
  return `${s.labels.metricName()}{${parts.join(',')}}`;
}

/** Families must be contiguous in OpenMetrics: group series by family, each series' samples in time order. */
export function writeOpenMetrics(file: string, series: SyntheticSeries[], values: Float64Array): void {
  const fd = fs.openSync(file, 'w');
  const byFamily = new Map<string, number[]>();
  series.forEach((s, i) => {
    const list = byFamily.get(s.family) ?? [];
    list.push(i);
    byFamily.set(s.family, list);
  });
  let buf = '';
  const flush = () => {
    fs.writeSync(fd, buf);
    buf = '';
  };
  for (const [family, idxs] of byFamily) {
    buf += `# TYPE ${family} gauge\n`;
    for (const si of idxs) {
      const head = seriesText(series[si]) + ' ';
      for (let i = 0; i < SAMPLES_PER_SERIES; i++) {
        buf += head + formatValue(values[i * SERIES + si]) + ' ' + (START_MS + i * STEP_MS) / 1000 + '\n';
      }
      if (buf.length > 1 << 20) flush();
    }
  }
  buf += '# EOF\n';
  flush();
  fs.closeSync(fd);
}
