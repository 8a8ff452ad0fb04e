/** GET /metrics: promlite's own metrics in the Prometheus text format (prom-client). */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export async function selfMetricsRoutes(app: FastifyInstance, opts: { registry: Registry }): Promise<void> {
  app.get('/metrics', async (_req, reply) => {
    const body = await opts.registry.metrics();
    return reply.header('content-type', opts.registry.contentType).send(body);
  });
}
