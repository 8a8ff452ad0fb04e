/**
 * Non-API endpoints Prometheus serves: /-/healthy, /-/ready, /-/reload, /-/quit. Texts and
 * status codes match Prometheus 2.42 (research/api-compat.md §2.6).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface LifecycleOptions {
  isReady: () => boolean;
  /** --web.enable-lifecycle */
  lifecycleEnabled: boolean;
  reload: () => Promise<void>;
  quit: () => void;
}

/** What route paths start with under a resolved --web.route-prefix: '' for "/", else the prefix. */
export function routeBase(routePrefix: string): string {
  return routePrefix === '/' ? '' : routePrefix;
}

/**
 * Until the server is ready (storage replayed), Prometheus answers its query API and /federate
 * with 503 "Service Unavailable"; /-/healthy, /-/ready, /metrics and the replay progress at
 * /api/v1/status/walreplay stay reachable so orchestrators and the UI can watch start-up.
 */
export function notReadyGate(isReady: () => boolean, routePrefix = '/') {
  const base = routeBase(routePrefix);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isReady()) return;
    const path = req.url.split('?', 1)[0]!;
    const gated = (path.startsWith(`${base}/api/v1/`) && path !== `${base}/api/v1/status/walreplay`) || path === `${base}/federate`;
    if (gated) await reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('Service Unavailable');
  };
}

export async function lifecycleRoutes(app: FastifyInstance, opts: LifecycleOptions): Promise<void> {
  const text = (reply: FastifyReply, code: number, body: string) =>
    reply.code(code).header('content-type', 'text/plain; charset=utf-8').send(body);

  app.route({
    method: ['GET', 'HEAD'],
    url: '/-/healthy',
    handler: (_req, reply) => text(reply, 200, 'Prometheus Server is Healthy.\n'),
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: '/-/ready',
    handler: (_req, reply) =>
      opts.isReady() ? text(reply, 200, 'Prometheus Server is Ready.\n') : text(reply, 503, 'Service Unavailable'),
  });

  const guarded = (action: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      if (req.method !== 'POST' && req.method !== 'PUT') return text(reply, 405, 'Only POST or PUT requests allowed');
      if (!opts.lifecycleEnabled) return text(reply, 403, 'Lifecycle API is not enabled.');
      return action(req, reply);
    };

  app.route({
    method: ['GET', 'POST', 'PUT'],
    url: '/-/reload',
    handler: guarded(async (_req, reply) => {
      try {
        await opts.reload();
        return text(reply, 200, '');
      } catch (e) {
        return text(reply, 500, `failed to reload config: ${(e as Error).message}`);
      }
    }),
  });
  app.route({
    method: ['GET', 'POST', 'PUT'],
    url: '/-/quit',
    handler: guarded(async (_req, reply) => {
      await text(reply, 200, 'Requesting termination... Goodbye!');
      setImmediate(opts.quit);
      return reply;
    }),
  });
}
