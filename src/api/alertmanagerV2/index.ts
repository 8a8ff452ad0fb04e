/**
 * Alertmanager API v2 (openapi.yaml @0.25) on promlite's port, for amtool, Prometheus and
 * Grafana: register with `app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier })`.
 *
 * Errors use Alertmanager's shapes (a JSON string body, or `{code, message}` for bodies that
 * are not JSON), not the Prometheus envelope. Extra promlite endpoint:
 * `GET /api/v2/notifications/history?limit=&receiver=&status=&since=` — every delivery attempt,
 * newest first (`status` success|retry|failed; `since` RFC3339 or unix seconds; limit ≤ 10000,
 * default 100); `GET /api/v2/notifications/pending` — notifications still being retried.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildInfo } from '../../version.ts';
import type { Alert } from '../../notify/alert.ts';
import { SilenceError, type SilenceMatcher } from '../../notify/silences.ts';
import type { AttemptStatus } from '../../notify/history.ts';
import { apiTime, gettableAlert, gettableSilence, parseApiTime, sortSilences } from './render.ts';
import { BadRequest, matchFilterLabels, parseBool, parseFilter, parseReceiverRegex } from './filters.ts';
import type { AlertmanagerApiSource } from './source.ts';

export type { AlertmanagerApiSource } from './source.ts';

export interface AlertmanagerV2Options {
  notifier: AlertmanagerApiSource;
}

/** The Alertmanager version promlite's API answers as (amtool warns on a major.minor mismatch). */
export const ALERTMANAGER_COMPAT_VERSION = '0.25.0';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new BadRequest(`${field} in body must be of type object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new BadRequest(`${field}.${k} in body must be of type string`);
    out[k] = x;
  }
  return out;
}

export default async function alertmanagerV2Routes(app: FastifyInstance, opts: AlertmanagerV2Options): Promise<void> {
  const n = opts.notifier;

  app.setErrorHandler((e: unknown, _req, reply: FastifyReply) => {
    const err = e as Error & { statusCode?: number; code?: string };
    if (err instanceof BadRequest) return reply.code(400).type('application/json').send(JSON.stringify(err.message));
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err.statusCode ?? 500) < 500) {
      return reply.code(400).send({ code: 400, message: `parsing body failed, because ${err.message}` });
    }
    return reply.code(500).type('application/json').send(JSON.stringify(err.message));
  });

  app.get('/status', async () => {
    const info = buildInfo();
    return {
      cluster: { peers: [], status: 'disabled' },
      config: { original: n.config?.original ?? '' },
      uptime: apiTime(n.startedAt),
      versionInfo: {
        branch: info.branch,
        buildDate: info.buildDate,
        buildUser: info.buildUser,
        goVersion: info.goVersion,
        revision: info.revision,
        version: ALERTMANAGER_COMPAT_VERSION,
      },
    };
  });

  app.get('/receivers', async () => n.receiverNames().map((name) => ({ name })));

  app.get('/alerts', async (req) => {
    const q = req.query as Record<string, unknown>;
    const matchers = parseFilter(q.filter);
    const receiverRe = parseReceiverRegex(q.receiver);
    const active = parseBool(q.active, 'active', true);
    const silenced = parseBool(q.silenced, 'silenced', true);
    const inhibited = parseBool(q.inhibited, 'inhibited', true);
    const unprocessed = parseBool(q.unprocessed, 'unprocessed', true);
    const out = [];
    for (const a of n.activeAlerts()) {
      const receivers = n.routedReceivers(a.labels);
      if (receiverRe && !receivers.some((r) => receiverRe.matches(r))) continue;
      const status = n.alertStatus(a.labels);
      if (!active && status.state === 'active') continue;
      if (!unprocessed && status.state === 'unprocessed') continue;
      if (!silenced && status.silencedBy.length > 0) continue;
      if (!inhibited && status.inhibitedBy.length > 0) continue;
      if (!matchFilterLabels(matchers, a.labels)) continue;
      out.push(gettableAlert(a, status, receivers));
    }
    return out;
  });

  app.post('/alerts', async (req, reply) => {
    const body = req.body;
    if (!Array.isArray(body)) {
      return reply.code(400).send({ code: 400, message: 'parsing alerts body from "" failed, because json: cannot unmarshal into Go value of type models.PostableAlerts' });
    }
    const alerts: Alert[] = [];
    const errors: string[] = [];
    for (const [i, raw] of body.entries()) {
      try {
        if (!isObject(raw)) throw new BadRequest(`${i} in body must be of type object`);
        if (raw.labels === undefined) throw new BadRequest(`${i}.labels in body is required`);
        alerts.push({
          labels: stringMap(raw.labels, `${i}.labels`),
          annotations: stringMap(raw.annotations, `${i}.annotations`),
          startsAt: parseApiTime(raw.startsAt, `${i}.startsAt`),
          endsAt: parseApiTime(raw.endsAt, `${i}.endsAt`),
          generatorURL: typeof raw.generatorURL === 'string' ? raw.generatorURL : '',
        });
      } catch (e) {
        // A malformed element rejects the whole request, as the generated Go server does.
        throw e instanceof BadRequest ? e : new BadRequest((e as Error).message);
      }
    }
    const res = n.pushAlerts(alerts);
    errors.push(...res.errors);
    if (errors.length > 0) throw new BadRequest(errors.join('; '));
    return reply.code(200).send();
  });

  app.get('/alerts/groups', async (req) => {
    const q = req.query as Record<string, unknown>;
    const matchers = parseFilter(q.filter);
    const receiverRe = parseReceiverRegex(q.receiver);
    const active = parseBool(q.active, 'active', true);
    const silenced = parseBool(q.silenced, 'silenced', true);
    const inhibited = parseBool(q.inhibited, 'inhibited', true);
    const now = n.now();
    const groups = [];
    for (const g of n.alertGroups()) {
      if (receiverRe && !receiverRe.matches(g.receiver)) continue;
      const alerts = [];
      for (const a of g.alerts) {
        if (a.endsAt > 0 && a.endsAt < now) continue;
        const status = n.alertStatus(a.labels);
        if (!active && status.state === 'active') continue;
        if (!silenced && status.silencedBy.length > 0) continue;
        if (!inhibited && status.inhibitedBy.length > 0) continue;
        if (!matchFilterLabels(matchers, a.labels)) continue;
        alerts.push(gettableAlert(a, status, n.routedReceivers(a.labels)));
      }
      if (alerts.length === 0) continue;
      alerts.sort((x, y) => (x.fingerprint as string).localeCompare(y.fingerprint as string));
      groups.push({ alerts, labels: g.groupLabels, receiver: { name: g.receiver } });
    }
    return groups.sort((a, b) => a.receiver.name.localeCompare(b.receiver.name) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  });

  app.get('/silences', async (req) => {
    const q = req.query as Record<string, unknown>;
    const matchers = parseFilter(q.filter);
    const now = n.now();
    const list = n.silences.list().filter((s) => {
      const labels: Record<string, string> = {};
      for (const m of s.matchers) labels[m.name] = m.value;
      return matchFilterLabels(matchers, labels);
    });
    return sortSilences(list, now).map((s) => gettableSilence(s, now));
  });

  app.post('/silences', async (req, reply) => {
    const b = req.body;
    if (!isObject(b)) return reply.code(400).send({ code: 400, message: 'parsing silence body from "" failed, because json: cannot unmarshal into Go value of type models.PostableSilence' });
    for (const f of ['comment', 'createdBy', 'endsAt', 'matchers', 'startsAt']) {
      if (b[f] === undefined || b[f] === null) throw new BadRequest(`${f} in body is required`);
    }
    if (!Array.isArray(b.matchers) || b.matchers.length === 0) throw new BadRequest('matchers in body should have at least 1 items');
    const matchers: SilenceMatcher[] = b.matchers.map((m: unknown, i: number) => {
      if (!isObject(m) || typeof m.name !== 'string' || typeof m.value !== 'string' || typeof m.isRegex !== 'boolean') {
        throw new BadRequest(`matchers.${i} in body must have name (string), value (string) and isRegex (boolean)`);
      }
      return { name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual === undefined ? true : m.isEqual === true };
    });
    let startsAt: number;
    let endsAt: number;
    try {
      startsAt = parseApiTime(b.startsAt, 'startsAt');
      endsAt = parseApiTime(b.endsAt, 'endsAt');
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
    if (startsAt >= endsAt) throw new BadRequest('Failed to create silence: start time must be before end time');
    if (endsAt < n.now()) throw new BadRequest("Failed to create silence: end time can't be in the past");
    try {
      const silenceID = n.silences.set({
        id: typeof b.id === 'string' && b.id !== '' ? b.id : undefined,
        matchers,
        startsAt,
        endsAt,
        createdBy: String(b.createdBy),
        comment: String(b.comment),
      });
      return { silenceID };
    } catch (e) {
      if (e instanceof SilenceError && e.kind === 'notFound') return reply.code(404).type('application/json').send(JSON.stringify(e.message));
      throw new BadRequest((e as Error).message);
    }
  });

  app.get('/silence/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const s = n.silences.get(id);
    if (!s) return reply.code(404).send();
    return gettableSilence(s, n.now());
  });

  app.delete('/silence/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    try {
      n.silences.expire(id);
    } catch (e) {
      return reply.code(500).type('application/json').send(JSON.stringify((e as Error).message));
    }
    return reply.code(200).send();
  });

  app.get('/notifications/pending', async () =>
    n.queue.listPending().map((p) => ({ ...p, createdAt: apiTime(p.createdAt), nextAttemptAt: apiTime(p.nextAttemptAt) })),
  );

  app.get('/notifications/history', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const status = q.status as AttemptStatus | undefined;
    if (status !== undefined && !['success', 'retry', 'failed'].includes(status)) throw new BadRequest('status must be one of success, retry, failed');
    let since: number | undefined;
    if (q.since !== undefined) {
      since = /^\d+(\.\d+)?$/.test(q.since) ? Number(q.since) * 1000 : Date.parse(q.since);
      if (!Number.isFinite(since)) throw new BadRequest(`invalid since: ${q.since}`);
    }
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new BadRequest(`invalid limit: ${q.limit}`);
    return n.history.list({ limit, receiver: q.receiver, status, since }).map((e) => ({ ...e, time: apiTime(e.time) }));
  });
}
