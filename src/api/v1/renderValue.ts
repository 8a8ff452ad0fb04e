/**
 * QueryValue → the `data` member of /api/v1/query and /api/v1/query_range, as JSON text.
 *
 * Written by hand rather than building `{ metric, values: [[t, "v"], ...] }` objects for
 * JSON.stringify: a range result of many series would otherwise exist three times at once
 * (engine points, the object tree, the string). Here each series is one string, and the pieces
 * of all series are joined once. The bytes equal JSON.stringify of the object form
 * (renderQueryData, kept for callers that want objects).
 */
import type { Labels } from '../../storage/labels.ts';
import type { QueryValue } from '../../promql/values.ts';
import { formatSampleValue, formatTimestamp } from './formatValue.ts';

export function renderQueryData(v: QueryValue): { resultType: string; result: unknown } {
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [formatTimestamp(v.t), formatSampleValue(v.v)] };
    case 'string':
      return { resultType: 'string', result: [formatTimestamp(v.t), v.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: v.samples.map((s) => ({ metric: s.metric.toObject(), value: [formatTimestamp(s.t), formatSampleValue(s.v)] })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => ({
          metric: s.metric.toObject(),
          values: s.points.map((p) => [formatTimestamp(p.t), formatSampleValue(p.v)]),
        })),
      };
  }
}

/** JSON text of renderQueryData(v). */
export function renderQueryDataJson(v: QueryValue): string {
  switch (v.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":${pointJson(v.t, v.v)}}`;
    case 'string':
      return `{"resultType":"string","result":[${timestampJson(v.t)},${JSON.stringify(v.v)}]}`;
    case 'vector': {
      const parts: string[] = new Array(v.samples.length);
      for (let i = 0; i < v.samples.length; i++) {
        const s = v.samples[i];
        parts[i] = `{"metric":${labelsJson(s.metric)},"value":${pointJson(s.t, s.v)}}`;
      }
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix': {
      const parts: string[] = new Array(v.series.length);
      for (let i = 0; i < v.series.length; i++) {
        const s = v.series[i];
        let values = '';
        for (let k = 0; k < s.points.length; k++) {
          const p = s.points[k];
          values += k === 0 ? pointJson(p.t, p.v) : ',' + pointJson(p.t, p.v);
        }
        parts[i] = `{"metric":${labelsJson(s.metric)},"values":[${values}]}`;
      }
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`;
    }
  }
}

/** `[t,"v"]`: float seconds and the value as a string (formatted values never need escaping). */
function pointJson(t: number, v: number): string {
  return `[${timestampJson(t)},"${formatSampleValue(v)}"]`;
}

function timestampJson(t: number): string {
  return JSON.stringify(formatTimestamp(t));
}

/** Labels as a JSON object, in label order (as Prometheus writes them). */
function labelsJson(l: Labels): string {
  if (l.size === 0) return '{}';
  let out = '{';
  for (let i = 0; i < l.size; i++) {
    if (i > 0) out += ',';
    out += JSON.stringify(l.nameAt(i)) + ':' + JSON.stringify(l.valueAt(i));
  }
  return out + '}';
}
