/**
 * The real Alertmanager as an oracle for receiver payloads: the same alerts go to it (API v2)
 * and through promlite's notifier harness, and the tests compare what both sinks received.
 */
import type { Alert } from '../../src/notify/alert.ts';
import type { Harness } from '../integration/notify/harness.ts';
import type { AlertmanagerPeer } from '../support/alertmanagerPeer.ts';
import { eventually, sleep } from '../support/wait.ts';

/** An alert as posted to Alertmanager's API v2 (times as ISO strings). */
export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export function fromApiAlert(a: ApiAlert): Partial<Alert> {
  return { labels: a.labels, annotations: a.annotations, startsAt: Date.parse(a.startsAt), endsAt: Date.parse(a.endsAt), generatorURL: a.generatorURL };
}

/**
 * Posts `alerts` to Alertmanager and waits until its receivers got `requests` requests (counted
 * by `received`), then the group interval once more: a second flush would land in it.
 */
export async function alertmanagerDelivers(am: AlertmanagerPeer, alerts: ApiAlert[], received: () => number, requests: number): Promise<void> {
  await am.postAlerts(alerts);
  await eventually(() => received() >= requests, `Alertmanager to send ${requests} request(s)`, 8000, 50);
  await sleep(1200);
}

/** Pushes `alerts` through promlite's notifier and lets the group (group_wait 1s) flush. */
export async function promliteDelivers(h: Harness, alerts: ApiAlert[]): Promise<void> {
  h.push(...alerts.map(fromApiAlert));
  await h.scheduler.advance(1000);
}
