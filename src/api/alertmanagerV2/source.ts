/**
 * What the Alertmanager API needs from the notifier — a narrow interface so the routes can be
 * tested against any implementation. `Notifier` (src/notify/notifier.ts) satisfies it.
 */
import type { Alert } from '../../notify/alert.ts';
import type { StoredAlert } from '../../notify/alertStore.ts';
import type { NotificationHistory } from '../../notify/history.ts';
import type { DeliveryQueue } from '../../notify/deliveryQueue.ts';
import type { AlertStatus, PushResult } from '../../notify/notifier.ts';
import type { Silences } from '../../notify/silences.ts';

export interface AlertmanagerApiSource {
  readonly silences: Silences;
  readonly history: NotificationHistory;
  readonly queue: Pick<DeliveryQueue, 'listPending'>;
  readonly startedAt: number;
  readonly config: { original: string } | undefined;
  now(): number;
  pushAlerts(alerts: readonly Alert[]): PushResult;
  activeAlerts(): StoredAlert[];
  alertStatus(labels: Record<string, string>): AlertStatus;
  /** Receivers of every matching route, in tree order (duplicates kept, as Alertmanager). */
  routedReceivers(labels: Record<string, string>): string[];
  receiverNames(): string[];
  alertGroups(): { receiver: string; groupLabels: Record<string, string>; alerts: StoredAlert[] }[];
}
