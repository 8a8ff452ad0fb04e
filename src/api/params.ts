/**
 * Request parameter parsing with Prometheus semantics (web/api/v1 parseTime / parseDuration):
 * GET query parameters and form-encoded POST bodies are merged; repeated parameters collect
 * into arrays.
 */
import type { FastifyRequest } from 'fastify';
import { badData } from './respond.ts';
import { parseDuration } from '../config/duration.ts';

export type Params = Map<string, string[]>;

/** Merges the query string and a form-encoded body (query string values first). */
export function requestParams(req: FastifyRequest): Params {
  const out: Params = new Map();
  const add = (k: string, v: unknown) => {
    const list = out.get(k) ?? [];
    if (Array.isArray(v)) for (const x of v) list.push(String(x));
    else if (v !== undefined && v !== null) list.push(String(v));
    out.set(k, list);
  };
  const q = req.query as Record<string, unknown> | undefined;
  if (q) for (const [k, v] of Object.entries(q)) add(k, v);
  const body = req.body;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) add(k, v);
  }
  return out;
}

export function first(p: Params, name: string): string | undefined {
  const v = p.get(name);
  return v && v.length > 0 ? v[0] : undefined;
}

// Go's time.Time min/max as Prometheus formats them (minTimeFormatted / maxTimeFormatted).
export const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
export const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';
/** The ms bounds Prometheus uses for "no start"/"no end". */
export const MIN_TIME_MS = -9223372036854;
export const MAX_TIME_MS = 9223372036854;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses a float of Unix seconds or an RFC 3339 timestamp into ms. Returns null if invalid. */
export function parseTimeMs(s: string): number | null {
  if (s.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s);
    if (Number.isFinite(f)) return Math.round(f * 1000);
  }
  if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  const m = RFC3339.exec(s);
  if (!m) return null;
  const frac = m[7] ? m[7].slice(1, 4).padEnd(3, '0') : '000';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${frac}${m[8].toUpperCase()}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Time parameter or default; bad values give Prometheus's exact error text. */
export function timeParam(p: Params, name: string, dflt: number): number {
  const v = first(p, name);
  if (v === undefined || v === '') return dflt;
  const t = parseTimeMs(v);
  if (t === null) {
    throw badData(`invalid parameter "${name}": Invalid time value for '${name}': cannot parse ${JSON.stringify(v)} to a valid timestamp`);
  }
  return t;
}

/** Prometheus duration string (`1h30m`) to ms, or null. */
export function parsePromDurationMs(s: string): number | null {
  try {
    return parseDuration(s);
  } catch {
    return null;
  }
}

/** A float of seconds or a Prometheus duration, as ms; null if invalid. */
export function parseDurationParamMs(s: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s);
    if (!Number.isFinite(f)) return null;
    return Math.round(f * 1000);
  }
  return parsePromDurationMs(s);
}

export function durationParam(p: Params, name: string): number | undefined {
  const v = first(p, name);
  if (v === undefined || v === '') return undefined;
  const d = parseDurationParamMs(v);
  if (d === null) throw badData(`invalid parameter "${name}": cannot parse ${JSON.stringify(v)} to a valid duration`);
  return d;
}
