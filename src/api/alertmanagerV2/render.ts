/**
 * Alertmanager API v2 models (openapi.yaml @0.25): gettableAlert, gettableSilence, and
 * strfmt.DateTime timestamps (RFC3339 with milliseconds, UTC).
 */
import type { StoredAlert } from '../../notify/alertStore.ts';
import type { AlertStatus } from '../../notify/notifier.ts';
import { silenceState, type Silence } from '../../notify/silences.ts';

export function apiTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses a strfmt.DateTime; Go's zero time (amtool's "unset") and '' give 0. Throws on junk. */
export function parseApiTime(v: unknown, field: string): number {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v !== 'string') throw new Error(`${field} in body must be of type date-time`);
  if (v.startsWith('0001-01-01T00:00:00')) return 0;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(v)) {
    throw new Error(`${field} in body must be of type date-time: "${v}"`);
  }
  return ms;
}

export function gettableAlert(a: StoredAlert, status: AlertStatus, receivers: string[]) {
  const out: Record<string, unknown> = {
    annotations: a.annotations,
    endsAt: apiTime(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    startsAt: apiTime(a.startsAt),
    status,
    updatedAt: apiTime(a.updatedAt),
    labels: a.labels,
  };
  if (a.generatorURL) out.generatorURL = a.generatorURL;
  return out;
}

export function gettableSilence(s: Silence, now: number) {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: apiTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: apiTime(s.endsAt),
    matchers: s.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    startsAt: apiTime(s.startsAt),
  };
}

const STATE_ORDER = { active: 0, pending: 1, expired: 2 };

/** Alertmanager's order: active (soonest end first), pending (soonest start), expired (latest end first). */
export function sortSilences(list: Silence[], now: number): Silence[] {
  return list.sort((a, b) => {
    const sa = silenceState(a, now);
    const sb = silenceState(b, now);
    if (sa !== sb) return STATE_ORDER[sa] - STATE_ORDER[sb];
    if (sa === 'active') return a.endsAt - b.endsAt;
    if (sa === 'pending') return a.startsAt - b.startsAt;
    return b.endsAt - a.endsAt;
  });
}
