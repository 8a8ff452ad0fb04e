/**
 * The alert as the notifier sees it — the same fields Alertmanager's API v2 carries. It
 * arrives from rules in-process or from any Prometheus over POST /api/v2/alerts.
 * Times are milliseconds since the epoch; endsAt 0 means "not set".
 */
export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}
