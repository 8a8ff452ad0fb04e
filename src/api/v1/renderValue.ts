/** QueryValue → the `data` object of /api/v1/query and /api/v1/query_range. */
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
