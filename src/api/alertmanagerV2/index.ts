/**
 * Alertmanager API v2 (openapi.yaml @0.25) on promlite's port, for amtool, Prometheus and
 * Grafana: register with `app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier })`.
 *
 * Errors use Alertmanager's shapes (a JSON string body, or `{code, message}` for bodies that
 * are not JSON), not the Prometheus envelope. promlite adds `GET /api/v2/notifications/history`
 * and `GET /api/v2/notifications/pending` (see notifications.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { BadRequest } from './filters.ts';
import { alertRoutes } from './alerts.ts';
import { silenceRoutes } from './silences.ts';
import { statusRoutes } from './status.ts';
import { notificationRoutes } from './notifications.ts';
import type { AlertmanagerApiSource } from './source.ts';

export type { AlertmanagerApiSource } from './source.ts';
export { ALERTMANAGER_COMPAT_VERSION } from './status.ts';

export interface AlertmanagerV2Options {
  notifier: AlertmanagerApiSource;
}

export default async function alertmanagerV2Routes(app: FastifyInstance, opts: AlertmanagerV2Options): Promise<void> {
  app.setErrorHandler((e: unknown, _req, reply: FastifyReply) => {
    const err = e as Error & { statusCode?: number; code?: string };
    if (err instanceof BadRequest) return reply.code(400).type('application/json').send(JSON.stringify(err.message));
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err.statusCode ?? 500) < 500) {
      return reply.code(400).send({ code: 400, message: `parsing body failed, because ${err.message}` });
    }
    return reply.code(500).type('application/json').send(JSON.stringify(err.message));
  });

  // Registered directly (not as encapsulated plugins) so the error handler above applies.
  await statusRoutes(app, opts);
  await alertRoutes(app, opts);
  await silenceRoutes(app, opts);
  await notificationRoutes(app, opts);
}
