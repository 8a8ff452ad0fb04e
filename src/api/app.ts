/**
 * buildApp(deps) assembles the fastify application; listening is the caller's business
 * (tests use app.inject). Every area is an explicit route plugin with narrow dependencies.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { lifecycleRoutes, routeBase, type LifecycleOptions } from './lifecycle.ts';
import { selfMetricsRoutes } from './selfMetrics.ts';
import { ApiException, envelope, sendError } from './respond.ts';

export interface AppDeps {
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  registry: Registry;
  lifecycle: LifecycleOptions;
  /**
   * --web.route-prefix ("/" or "/a/b"): every route is served under it, as in Prometheus, and
   * `/` redirects to it.
   */
  routePrefix?: string;
  /** Extra route plugins (API areas), registered in order after the built-in ones. */
  plugins?: Array<{ plugin: (app: FastifyInstance, opts: any) => Promise<void>; opts?: Record<string, unknown> }>;
  /** Largest request body accepted (bytes). */
  bodyLimit?: number;
  /** TLS server options (from --web.config.file); plain HTTP when absent. */
  https?: import('node:https').ServerOptions;
}

// No route declares a JSON schema, so fastify's default compilers (ajv and
// fast-json-stringify, ~120 modules and ~1 MB of heap) are never needed; these stand in.
const noSchemaCompiler = () => () => {
  throw new Error('route schemas are not used in promlite');
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerOpt =
    deps.logger && typeof (deps.logger as { info?: unknown }).info === 'function'
      ? { loggerInstance: deps.logger as FastifyServerOptions['loggerInstance'] }
      : { logger: (deps.logger as FastifyServerOptions['logger']) ?? false };
  const app = Fastify({
    ...loggerOpt,
    ...(deps.https ? { https: deps.https } : {}),
    bodyLimit: deps.bodyLimit ?? 32 * 1024 * 1024,
    // One log line per request would drown the log at Grafana's polling rate.
    logController: new LogController({ disableRequestLogging: true }),
    // Prometheus clients put `match[]` in query strings; keep repeated keys as arrays.
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } },
  });

  // Form-encoded POST bodies (Grafana, promtool and Prometheus send them); parsed without a plugin.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    done(null, out);
  });
  // Remote write/read bodies are snappy-compressed protobuf: keep them as raw buffers.
  app.addContentTypeParser(['application/x-protobuf', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  const base = routeBase(deps.routePrefix ?? '/');
  app.setErrorHandler((e, req, reply) => {
    if (e instanceof ApiException) return sendError(reply, e.type, e.message);
    const err = e instanceof Error ? e : new Error(String(e));
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Keep fastify's status (413 body too large, 415 media type) with the API envelope.
      if (req.url.startsWith(`${base}/api/`)) {
        return reply.code(status).header('content-type', 'application/json').send(JSON.stringify(envelope({ error: { type: 'bad_data', message: err.message } })));
      }
      return reply.code(status).send(err.message);
    }
    req.log.error({ err }, 'request failed');
    return sendError(reply, 'internal', err.message);
  });

  // One scope holds every route, so the prefix is applied in one place (plugins' own prefixes,
  // such as '/api/v1', are appended to it).
  if (base) app.get('/', async (_req, reply) => reply.redirect(base, 302));
  await app.register(
    async (routes) => {
      await routes.register(lifecycleRoutes, deps.lifecycle);
      await routes.register(selfMetricsRoutes, { registry: deps.registry });
      for (const p of deps.plugins ?? []) await routes.register(p.plugin, p.opts ?? {});
    },
    { prefix: base },
  );
  return app;
}
