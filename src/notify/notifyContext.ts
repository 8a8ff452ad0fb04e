/**
 * What every pipeline stage knows about the notification it is working on — a typed record
 * rather than context values (STYLE 17). `now` comes from the injected clock.
 */
export interface NotifyContext {
  /** `<route key>:<group labels>`, e.g. `{}/{severity="page"}:{alertname="X"}`. */
  groupKey: string;
  receiverName: string;
  groupLabels: Record<string, string>;
  /** Milliseconds since the epoch when the stage runs. */
  now: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
  /** Why this flush happened (webhook's `notification_reason` is not in 0.25; kept for history). */
  reason?: string;
}
