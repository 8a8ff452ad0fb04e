/**
 * Alertmanager's notification data model (`template.Data`) as plain JSON-ready objects: the
 * webhook sends exactly this, and templates read it (`.Status`, `.Alerts`, `.GroupLabels`, …).
 */
import { fingerprint } from './fingerprint.ts';

/** An alert as a notification carries it; times in ms (0 = unset). */
export interface NotifyAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

export interface TemplateAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC3339 as Go prints time.Time: `0001-01-01T00:00:00Z` for a firing alert's end. */
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface TemplateData {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: TemplateAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's RFC3339Nano rendering of a UTC time: trailing zeros of the fraction dropped. */
export function goTime(ms: number): string {
  if (ms <= 0) return GO_ZERO_TIME;
  const iso = new Date(ms).toISOString(); // 2026-11-22T18:03:58.673Z
  const [base, frac] = iso.slice(0, -1).split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `${base}${trimmed ? '.' + trimmed : ''}Z`;
}

export function isResolvedAt(a: { endsAt: number }, now: number): boolean {
  return a.endsAt > 0 && a.endsAt <= now;
}

function commonPairs(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) {
    for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  }
  return out;
}

/** `regexp.QuoteMeta(receiver)`, as Alertmanager puts the receiver name into Data. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function buildTemplateData(
  receiver: string,
  groupLabels: Record<string, string>,
  alerts: readonly NotifyAlert[],
  externalURL: string,
  now: number,
): TemplateData {
  const tAlerts: TemplateAlert[] = alerts.map((a) => {
    const resolved = isResolvedAt(a, now);
    return {
      status: resolved ? 'resolved' : 'firing',
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      startsAt: goTime(a.startsAt),
      endsAt: resolved ? goTime(a.endsAt) : GO_ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint || fingerprint(a.labels),
    };
  });
  return {
    receiver: quoteMeta(receiver),
    status: tAlerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: tAlerts,
    groupLabels: { ...groupLabels },
    commonLabels: commonPairs(tAlerts.map((a) => a.labels)),
    commonAnnotations: commonPairs(tAlerts.map((a) => a.annotations)),
    externalURL,
  };
}
