/**
 * The one adapter from rule alerts to notify's Alert (Prometheus rules.SendAlerts):
 * startsAt = when the alert fired; endsAt = resolvedAt for resolved alerts, otherwise the
 * "valid until" time (last send + 4 × max(eval interval, resend delay));
 * generatorURL = external URL + `/graph?g0.expr=…&g0.tab=1`.
 */
import type { Alert } from '../notify/alert.ts';
import { tableLinkForExpression } from './goFormat.ts';
import type { NotifyFn, RuleAlert } from './types.ts';

export function toNotifyAlert(a: RuleAlert, expr: string, externalURL: string): Alert {
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations.toObject(),
    startsAt: a.firedAt,
    endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
    generatorURL: externalURL.replace(/\/+$/, '') + tableLinkForExpression(expr),
  };
}

/** A NotifyFn handing converted alerts to `send` (the notifier: built-in and external). */
export function sendAlerts(send: (alerts: Alert[]) => void, externalURL: string): NotifyFn {
  return (expr, alerts) => {
    if (alerts.length === 0) return;
    send(alerts.map((a) => toNotifyAlert(a, expr, externalURL)));
  };
}
