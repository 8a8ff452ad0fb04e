/**
 * /api/v1/query, /api/v1/query_range, /api/v1/format_query, /api/v1/parse_query,
 * /api/v1/query_exemplars — parameter handling and error texts as in Prometheus 2.42.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JsonText, badData, sendResult, type ApiResult } from '../respond.ts';
import { durationParam, first, requestParams, timeParam, type Params } from '../params.ts';
import { QueryServiceError, type QueryOptions, type QueryService } from './queryService.ts';
import { renderQueryDataJson } from './renderValue.ts';
import type { Clock } from '../../clock.ts';

export interface QueryRoutesOptions {
  queries: QueryService;
  clock: Clock;
  /** --query.timeout in ms; a `timeout` parameter may only shorten it. */
  defaultTimeoutMs: number;
}

const MAX_POINTS_PER_SERIES = 11000;

function queryOptions(p: Params, defaultTimeoutMs: number): QueryOptions {
  const timeout = durationParam(p, 'timeout');
  const lookback = durationParam(p, 'lookback_delta');
  return {
    timeoutMs: timeout !== undefined && timeout > 0 ? Math.min(timeout, defaultTimeoutMs) : defaultTimeoutMs,
    lookbackDeltaMs: lookback,
  };
}

function queryParam(p: Params): string {
  return first(p, 'query') ?? '';
}

async function runQuery(run: () => Promise<ApiResult>): Promise<ApiResult> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof QueryServiceError) return { error: { type: e.type, message: e.message } };
    throw e;
  }
}

function prefixQueryParam(e: unknown): never {
  if (e instanceof QueryServiceError && e.type === 'bad_data' && !e.message.startsWith('invalid parameter')) {
    throw badData(`invalid parameter "query": ${e.message}`);
  }
  throw e;
}

export async function queryRoutes(app: FastifyInstance, opts: QueryRoutesOptions): Promise<void> {
  const { queries, clock } = opts;

  const instant = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const t = timeParam(p, 'time', clock.now());
    const qopts = queryOptions(p, opts.defaultTimeoutMs);
    const result = await runQuery(async () => {
      const out = await queries.instant(queryParam(p), t, qopts).catch(prefixQueryParam);
      return { data: new JsonText(renderQueryDataJson(out.value)), warnings: out.warnings, infos: out.infos };
    });
    return sendResult(reply, result);
  };

  const range = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const start = timeParam(p, 'start', NaN);
    const end = timeParam(p, 'end', NaN);
    if (Number.isNaN(start)) throw badData('invalid parameter "start": Invalid time value for \'start\': cannot parse "" to a valid timestamp');
    if (Number.isNaN(end)) throw badData('invalid parameter "end": Invalid time value for \'end\': cannot parse "" to a valid timestamp');
    if (end < start) throw badData('invalid parameter "end": end timestamp must not be before start time');
    const step = durationParam(p, 'step');
    if (step === undefined) throw badData('invalid parameter "step": cannot parse "" to a valid duration');
    if (step <= 0) {
      throw badData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    }
    if ((end - start) / step > MAX_POINTS_PER_SERIES) {
      throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    }
    const qopts = queryOptions(p, opts.defaultTimeoutMs);
    const result = await runQuery(async () => {
      const out = await queries.range(queryParam(p), start, end, step, qopts).catch(prefixQueryParam);
      return { data: new JsonText(renderQueryDataJson(out.value)), warnings: out.warnings, infos: out.infos };
    });
    return sendResult(reply, result);
  };

  const format = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const result = await runQuery(async () => {
      try {
        return { data: queries.format(queryParam(p)) };
      } catch (e) {
        return prefixQueryParam(e);
      }
    });
    return sendResult(reply, result);
  };

  const parse = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const result = await runQuery(async () => {
      try {
        return { data: queries.parseToJson(queryParam(p)) };
      } catch (e) {
        return prefixQueryParam(e);
      }
    });
    return sendResult(reply, result);
  };

  // promlite stores no exemplars; an empty success tells Grafana the endpoint exists.
  // Prometheus accepts any start/end here (Grafana's probe sends milliseconds), so do we.
  const exemplars = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    timeParam(p, 'start', 0);
    timeParam(p, 'end', 0);
    return sendResult(reply, { data: [] });
  };

  app.route({ method: ['GET', 'POST'], url: '/query', handler: instant });
  app.route({ method: ['GET', 'POST'], url: '/query_range', handler: range });
  app.route({ method: ['GET', 'POST'], url: '/format_query', handler: format });
  app.route({ method: ['GET', 'POST'], url: '/parse_query', handler: parse });
  app.route({ method: ['GET', 'POST'], url: '/query_exemplars', handler: exemplars });
}
