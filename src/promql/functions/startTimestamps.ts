/**
 * Start timestamps (ST: when a cumulative count began, or where a delta sample's interval
 * starts) as Prometheus 3.x's experimental `use-start-timestamps` reads them in rate-like
 * functions. 0 means "no start timestamp", as in Prometheus.
 *
 * Shapes a series can have (T = sample time):
 *  - cumulative with known start: ST stays put until the counter restarts, then jumps forward;
 *  - delta (OTel): each ST is the previous sample's T, every sample counts on its own;
 *  - cumulative with unknown start (OTel): the first sample has ST = T, later ones point at it.
 */

/** Whether the start timestamps of two successive samples say the counter restarted between them. */
export function isStartTimestampReset(prevST: number, prevT: number, curST: number, curT: number): boolean {
  // None, invalid (after its sample) or OTel's "unknown start" (ST = T): no reset.
  if (curST === 0 || curST >= curT) return false;
  // Started before the previous sample: the same count continues (or the data overlaps).
  if (curST < prevT) return false;
  // Started after the previous sample: a new count.
  if (curST > prevT) return true;
  // Started exactly at the previous sample: a delta sample when the previous sample's own
  // start was known and valid; a cumulative series of unknown start otherwise.
  if (prevST > prevT) return false;
  return prevST !== 0 && prevST !== prevT;
}

/**
 * Whether a sample's interval overlaps the previous sample's: it starts before the previous
 * sample, yet not where that one started (which a cumulative series does legitimately).
 */
export function startTimestampOverlaps(prevST: number, prevT: number, curST: number): boolean {
  return curST !== 0 && curST < prevT && curST !== prevST;
}

export function startTimeOverlapWarning(metricName: string): string {
  return `sample has start time that overlaps with previous sample timestamp for metric "${metricName}"`;
}
