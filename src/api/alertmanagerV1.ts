/**
 * POST /api/v1/alerts: Alertmanager's v1 push endpoint (still in Alertmanager 0.25; older
 * scripts and tools post test alerts there). GET /api/v1/alerts stays Prometheus's rule alerts.
 */
import type { FastifyInstance } from 'fastify';
import type { AlertmanagerApiSource } from './alertmanagerV2/source.ts';
import { parsePostableAlerts } from './alertmanagerV2/alerts.ts';
import { sendError, sendResult } from './respond.ts';

export async function alertmanagerV1Routes(app: FastifyInstance, opts: { notifier: Pick<AlertmanagerApiSource, 'pushAlerts'> }): Promise<void> {
  app.post('/alerts', async (req, reply) => {
    if (!Array.isArray(req.body)) return sendError(reply, 'bad_data', 'alerts body must be a JSON array');
    let alerts;
    try {
      alerts = parsePostableAlerts(req.body);
    } catch (e) {
      return sendError(reply, 'bad_data', (e as Error).message);
    }
    const res = opts.notifier.pushAlerts(alerts);
    if (res.errors.length > 0) return sendError(reply, 'bad_data', res.errors.join('; '));
    return sendResult(reply, { data: undefined }); // {"status":"success"}, as Alertmanager answers
  });
}
