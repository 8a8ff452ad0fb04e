/**
 * The notifier's self-metrics, named like Alertmanager's with the promlite_ prefix:
 * notifications (total / failed by reason) per receiver and integration, latency per integration, silences by state,
 * alerts by state.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifyMetrics {
  notificationsTotal: Counter<'receiver' | 'integration'>;
  notificationsFailed: Counter<'receiver' | 'integration' | 'reason'>;
  latency: Histogram<'integration'>;
}

export interface StateSources {
  silencesByState(): Record<string, number>;
  alertsByState(): Record<string, number>;
}

export function createNotifyMetrics(registry: Registry | undefined, sources: StateSources): NotifyMetrics {
  const registers = registry ? [registry] : [];
  const m: NotifyMetrics = {
    notificationsTotal: new Counter({ name: 'promlite_notifications_total', help: 'The total number of attempted notifications.', labelNames: ['receiver', 'integration'], registers }),
    notificationsFailed: new Counter({ name: 'promlite_notifications_failed_total', help: 'The total number of failed notifications.', labelNames: ['receiver', 'integration', 'reason'], registers }),
    latency: new Histogram({
      name: 'promlite_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers,
    }),
  };
  new Gauge({
    name: 'promlite_silences',
    help: 'How many silences by state.',
    labelNames: ['state'],
    registers,
    collect() {
      for (const [state, n] of Object.entries(sources.silencesByState())) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'promlite_alerts',
    help: 'How many alerts by state.',
    labelNames: ['state'],
    registers,
    collect() {
      for (const [state, n] of Object.entries(sources.alertsByState())) this.set({ state }, n);
    },
  });
  return m;
}
