/**
 * Wall-clock-aligned repeating jobs for storage maintenance (compaction every 5 minutes,
 * retention every 15): a job with period P runs at every multiple of P since the epoch, as
 * the cron expression `*\/5 * * * *` would, and never overlaps itself (the jobs are synchronous).
 *
 * This replaces node-cron here on measurement: node-cron computes every run through
 * Intl.DateTimeFormat, which maps ~5 MB of ICU data and ~3 MB more of the node binary into the
 * process (file-backed RSS under bench:scrape 51 → 46 MB), and these jobs need no calendar, only a period.
 */
export interface ScheduledJob {
  stop(): void;
}

/** Runs `job` at every multiple of `periodMs` of the wall clock until stopped. */
export function everyAligned(periodMs: number, job: () => void, now: () => number = Date.now): ScheduledJob {
  if (!(periodMs > 0)) throw new Error(`schedule period must be positive, got ${periodMs}`);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (): void => {
    const t = now();
    timer = setTimeout(fire, periodMs - (t % periodMs));
    timer.unref(); // a schedule alone never keeps the process alive
  };
  const fire = (): void => {
    if (stopped) return;
    try {
      job();
    } finally {
      if (!stopped) arm();
    }
  };
  arm();
  return {
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
