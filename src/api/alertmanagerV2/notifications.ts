/**
 * promlite's additions: `GET /notifications/history?limit=&receiver=&status=&since=` (every
 * delivery attempt, newest first; `status` success|retry|failed; `since` RFC3339 or unix
 * seconds; limit 1..10000, default 100) and `GET /notifications/pending` (still being retried).
 */
import type { FastifyInstance } from 'fastify';
import type { AttemptStatus } from '../../notify/history.ts';
import { apiTime } from './render.ts';
import { BadRequest } from './filters.ts';
import type { AlertmanagerApiSource } from './source.ts';

export async function notificationRoutes(app: FastifyInstance, opts: { notifier: AlertmanagerApiSource }): Promise<void> {
  const n = opts.notifier;
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
