/**
 * /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values: label-index lookups over the
 * Querier, with `match[]`, `start`, `end` and `limit` as Prometheus (latest) accepts them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../storage/interface.ts';
import type { Matcher } from '../../storage/matcher.ts';
import { badData, sendResult } from '../respond.ts';
import { first, MAX_TIME_MS, MIN_TIME_MS, requestParams, timeParam, type Params } from '../params.ts';
import type { QueryService } from './queryService.ts';

export interface SeriesMetadataOptions {
  queryable: Queryable;
  queries: Pick<QueryService, 'parseSelector'>;
  /** Refuse requests with more match[] selectors than this (hostile input). */
  maxMatchers?: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function limitParam(p: Params): number {
  const v = first(p, 'limit');
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badData(`invalid parameter "limit": cannot parse ${JSON.stringify(v)} to a valid limit`);
  return n;
}

export async function seriesMetadataRoutes(app: FastifyInstance, opts: SeriesMetadataOptions): Promise<void> {
  const maxMatchers = opts.maxMatchers ?? 1000;

  const matcherSets = (p: Params): Matcher[][] => {
    const sels = p.get('match[]') ?? [];
    if (sels.length > maxMatchers) throw badData(`too many match[] parameters: ${sels.length} > ${maxMatchers}`);
    return sels.map((s) => {
      try {
        return opts.queries.parseSelector(s);
      } catch (e) {
        throw badData(`invalid parameter "match[]": ${(e as Error).message}`);
      }
    });
  };

  const range = (p: Params) => ({ start: timeParam(p, 'start', MIN_TIME_MS), end: timeParam(p, 'end', MAX_TIME_MS) });

  /** Union of what `fn` returns per selector (or for no selector), sorted and limited. */
  const unionOver = (p: Params, fn: (ms: Matcher[] | undefined) => string[]): { data: string[]; warnings?: string[] } => {
    const sets = matcherSets(p);
    const limit = limitParam(p);
    const out = new Set<string>();
    for (const ms of sets.length ? sets : [undefined]) for (const v of fn(ms)) out.add(v);
    const data = [...out].sort();
    if (limit > 0 && data.length > limit) return { data: data.slice(0, limit), warnings: ['results truncated due to limit'] };
    return { data };
  };

  const series = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const sets = matcherSets(p);
    if (sets.length === 0) throw badData('no match[] parameter provided');
    const { start, end } = range(p);
    const limit = limitParam(p);
    const q = opts.queryable.querier(start, end);
    try {
      const seen = new Map<string, Record<string, string>>();
      for (const ms of sets) {
        const ss = q.select(ms, { labelsOnly: true });
        while (ss.next()) {
          const l = ss.at().labels;
          if (!seen.has(l.key())) seen.set(l.key(), l.toObject());
        }
        const err = ss.err();
        if (err) throw badData(err.message);
      }
      let data = [...seen.values()];
      const warnings: string[] = [];
      if (limit > 0 && data.length > limit) {
        data = data.slice(0, limit);
        warnings.push('results truncated due to limit');
      }
      return sendResult(reply, { data, warnings });
    } finally {
      q.close();
    }
  };

  const labels = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = requestParams(req);
    const { start, end } = range(p);
    const q = opts.queryable.querier(start, end);
    try {
      return sendResult(reply, unionOver(p, (ms) => q.labelNames(ms)));
    } finally {
      q.close();
    }
  };

  const labelValues = async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    let name = req.params.name;
    // Grafana escapes UTF-8 label names as U__<hex-escaped> (escapeForUtf8Support).
    if (name.startsWith('U__')) name = unescapeUtf8Name(name.slice(3));
    if (!LABEL_NAME.test(name) && !req.params.name.startsWith('U__')) throw badData(`invalid label name: ${JSON.stringify(name)}`);
    const p = requestParams(req);
    const { start, end } = range(p);
    const q = opts.queryable.querier(start, end);
    try {
      return sendResult(reply, unionOver(p, (ms) => q.labelValues(name, ms)));
    } finally {
      q.close();
    }
  };

  app.route({ method: ['GET', 'POST'], url: '/series', handler: series });
  app.route({ method: ['GET', 'POST'], url: '/labels', handler: labels });
  app.get('/label/:name/values', labelValues);
  // Prometheus registers this endpoint for GET only; clients (Grafana) rely on the 405.
  app.route({
    method: ['POST', 'PUT', 'DELETE'],
    url: '/label/:name/values',
    handler: async (_req, reply) => reply.code(405).header('content-type', 'text/plain; charset=utf-8').send('Method Not Allowed'),
  });
}

/** Inverse of Prometheus's UTF-8 label-name escaping: `_` is `__`, `_<hex>_` is a code point. */
function unescapeUtf8Name(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '_') {
      out += s[i];
      continue;
    }
    if (s[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = s.indexOf('_', i + 1);
    if (end < 0) return s;
    out += String.fromCodePoint(parseInt(s.slice(i + 1, end), 16));
    i = end;
  }
  return out;
}
