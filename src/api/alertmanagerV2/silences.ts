/** GET/POST /silences, GET/DELETE /silence/{id}. */
import type { FastifyInstance } from 'fastify';
import { SilenceError, type SilenceMatcher } from '../../notify/silences.ts';
import { gettableSilence, parseApiTime, sortSilences } from './render.ts';
import { BadRequest, isObject, matchFilterLabels, parseFilter } from './filters.ts';
import type { AlertmanagerApiSource } from './source.ts';

export async function silenceRoutes(app: FastifyInstance, opts: { notifier: AlertmanagerApiSource }): Promise<void> {
  const n = opts.notifier;
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

}
