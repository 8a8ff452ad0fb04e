/** /api/v1/status/* and /version: what promlite is and how it runs. */
import type { FastifyInstance } from 'fastify';
import { sendResult } from '../respond.ts';
import { buildInfo } from '../../version.ts';

export interface TsdbStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: { name: string; value: number }[];
  labelValueCountByLabelName: { name: string; value: number }[];
  memoryInBytesByLabelName: { name: string; value: number }[];
  seriesCountByLabelValuePair: { name: string; value: number }[];
}

export interface StatusOptions {
  /** Flag name → value as given (all strings, as Prometheus reports them). */
  flags: Record<string, string>;
  /** The current configuration file's YAML. */
  configYaml: () => string;
  runtime: () => { startTime: string; CWD: string; reloadConfigSuccess: boolean; lastConfigTime: string; storageRetention: string };
  tsdb: (limit: number) => TsdbStatus;
  walReplay: () => { min: number; max: number; current: number };
}

export async function statusRoutes(app: FastifyInstance, opts: StatusOptions): Promise<void> {
  app.get('/status/buildinfo', async (_req, reply) => sendResult(reply, { data: buildInfo() }));
  app.get('/status/flags', async (_req, reply) => sendResult(reply, { data: opts.flags }));
  app.get('/status/config', async (_req, reply) => sendResult(reply, { data: { yaml: opts.configYaml() } }));
  app.get('/status/runtimeinfo', async (_req, reply) => {
    const r = opts.runtime();
    return sendResult(reply, {
      data: {
        ...r,
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 0,
        GOGC: '',
        GODEBUG: '',
      },
    });
  });
  app.get('/status/tsdb', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
      return sendResult(reply, { error: { type: 'bad_data', message: 'limit must be a positive number' } });
    }
    return sendResult(reply, { data: opts.tsdb(limit) });
  });
  app.get('/status/walreplay', async (_req, reply) => sendResult(reply, { data: opts.walReplay() }));
}

/** GET /version: build info without the envelope, as Prometheus serves it. */
export async function versionRoute(app: FastifyInstance): Promise<void> {
  app.get('/version', async (_req, reply) => reply.send(buildInfo()));
}
