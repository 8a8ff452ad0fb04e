/**
 * Sample values and timestamps as Prometheus writes them in JSON: values are strings
 * formatted like Go's strconv.FormatFloat(v, 'f', -1, 64) ("NaN", "+Inf", "-Inf", no exponent),
 * timestamps are JSON numbers of Unix seconds.
 */
import { formatFloat } from '../../promql/values.ts';

export const formatSampleValue = formatFloat;

/** ms → Unix seconds as a JSON number (exact to the millisecond). */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}
