/**
 * Typed calls to promlite's own API (same origin). Paths are relative to the page (`api/v1/…`
 * from `<prefix>/query`), so the UI works under any --web.route-prefix or proxy path.
 */
import type { ApiEnvelope, QueryData, RuleGroup, Target } from './responseTypes.ts';

export class ApiError extends Error {}

async function get<T>(path: string, params?: Record<string, string>): Promise<{ data: T; warnings: string[] }> {
  const res = await fetch(path, params ? { method: 'POST', body: new URLSearchParams(params) } : undefined);
  let body: ApiEnvelope<T>;
  try {
    body = (await res.json()) as ApiEnvelope<T>;
  } catch {
    throw new ApiError(`${res.status} ${res.statusText}`);
  }
  if (body.status !== 'success' || body.data === undefined) throw new ApiError(`${body.errorType ?? res.status}: ${body.error ?? res.statusText}`);
  return { data: body.data, warnings: body.warnings ?? [] };
}

export const api = {
  instant: (query: string, timeS: number) => get<QueryData>('api/v1/query', { query, time: String(timeS) }),
  range: (query: string, startS: number, endS: number, stepS: number) =>
    get<QueryData>('api/v1/query_range', { query, start: String(startS), end: String(endS), step: String(stepS) }),
  targets: () => get<{ activeTargets: Target[]; droppedTargets: unknown[] }>('api/v1/targets'),
  rules: () => get<{ groups: RuleGroup[] }>('api/v1/rules'),
  buildinfo: () => get<Record<string, string>>('api/v1/status/buildinfo'),
};
