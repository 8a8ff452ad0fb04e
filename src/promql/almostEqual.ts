/** Prometheus's util/almost.Equal: relative comparison, exact around zero, NaN equals NaN. */
import { isStaleNaN } from '../storage/staleMarker.ts';

const MIN_NORMAL = 2.2250738585072014e-308;

export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}
