/** GET/POST /alerts and GET /alerts/groups. */
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../notify/alert.ts';
import { gettableAlert, parseApiTime } from './render.ts';
import { BadRequest, isObject, matchFilterLabels, parseBool, parseFilter, parseReceiverRegex } from './filters.ts';
import type { AlertmanagerApiSource } from './source.ts';
import type { AlertStatus } from '../../notify/notifier.ts';


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

/** The body of POST /alerts (v1 and v2 share the shape): Alerts, or BadRequest for the whole request. */
export function parsePostableAlerts(body: unknown[]): Alert[] {
  const alerts: Alert[] = [];
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
  return alerts;
}

/**
 * The query filters GET /alerts and GET /alerts/groups share: `filter` matchers, `receiver`
 * regex, and whether active, silenced and inhibited alerts are included (all by default).
 */
function alertFilter(q: Record<string, unknown>) {
  const matchers = parseFilter(q.filter);
  const receiverRe = parseReceiverRegex(q.receiver);
  const active = parseBool(q.active, 'active', true);
  const silenced = parseBool(q.silenced, 'silenced', true);
  const inhibited = parseBool(q.inhibited, 'inhibited', true);
  return {
    receiverRe,
    keeps(status: AlertStatus, labels: Record<string, string>): boolean {
      if (!active && status.state === 'active') return false;
      if (!silenced && status.silencedBy.length > 0) return false;
      if (!inhibited && status.inhibitedBy.length > 0) return false;
      return matchFilterLabels(matchers, labels);
    },
  };
}

export async function alertRoutes(app: FastifyInstance, opts: { notifier: AlertmanagerApiSource }): Promise<void> {
  const n = opts.notifier;
  app.get('/alerts', async (req) => {
    const q = req.query as Record<string, unknown>;
    const f = alertFilter(q);
    const receiverRe = f.receiverRe;
    const unprocessed = parseBool(q.unprocessed, 'unprocessed', true);
    const out = [];
    for (const a of n.activeAlerts()) {
      const receivers = n.routedReceivers(a.labels);
      if (receiverRe && !receivers.some((r) => receiverRe.matches(r))) continue;
      const status = n.alertStatus(a.labels);
      if (!unprocessed && status.state === 'unprocessed') continue;
      if (!f.keeps(status, a.labels)) continue;
      out.push(gettableAlert(a, status, receivers));
    }
    return out;
  });

  app.post('/alerts', async (req, reply) => {
    const body = req.body;
    if (!Array.isArray(body)) {
      return reply.code(400).send({ code: 400, message: 'parsing alerts body from "" failed, because json: cannot unmarshal into Go value of type models.PostableAlerts' });
    }
    const res = n.pushAlerts(parsePostableAlerts(body));
    if (res.errors.length > 0) throw new BadRequest(res.errors.join('; '));
    return reply.code(200).send();
  });

  app.get('/alerts/groups', async (req) => {
    const f = alertFilter(req.query as Record<string, unknown>);
    const now = n.now();
    const groups = [];
    for (const g of n.alertGroups()) {
      if (f.receiverRe && !f.receiverRe.matches(g.receiver)) continue;
      const alerts = [];
      for (const a of g.alerts) {
        if (a.endsAt > 0 && a.endsAt < now) continue;
        const status = n.alertStatus(a.labels);
        if (!f.keeps(status, a.labels)) continue;
        alerts.push(gettableAlert(a, status, n.routedReceivers(a.labels)));
      }
      if (alerts.length === 0) continue;
      alerts.sort((x, y) => (x.fingerprint as string).localeCompare(y.fingerprint as string));
      groups.push({ alerts, labels: g.groupLabels, receiver: { name: g.receiver } });
    }
    return groups.sort((a, b) => a.receiver.name.localeCompare(b.receiver.name) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  });

}
