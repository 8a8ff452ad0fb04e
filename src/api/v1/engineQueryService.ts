/** Adapts the PromQL engine and parser to the QueryService the query endpoints use. */
import { Engine, QueryError } from '../../promql/engine.ts';
import { parseExpr, parseMetricSelector as parseSelectorOrThrow } from '../../promql/parser.ts';
import { PromQLParseError } from '../../promql/parseError.ts';
import { prettyExpr } from '../../promql/printer.ts';
import { astToJson } from '../../promql/astJson.ts';
import type { Queryable } from '../../storage/interface.ts';
import type { Matcher } from '../../storage/matcher.ts';
import { QueryServiceError, type QueryOptions, type QueryOutcome, type QueryService } from './queryService.ts';

function toServiceError(e: unknown): never {
  if (e instanceof PromQLParseError) throw new QueryServiceError('bad_data', e.message);
  if (e instanceof QueryError) throw new QueryServiceError(e.type, e.message);
  throw e;
}

/** A series selector for match[] (Prometheus's parser.ParseMetricSelector); bad input is bad_data. */
export function parseMetricSelector(s: string): Matcher[] {
  try {
    return parseSelectorOrThrow(s);
  } catch (e) {
    return toServiceError(e);
  }
}

export class EngineQueryService implements QueryService {
  constructor(
    private readonly engine: Engine,
    private readonly queryable: Queryable,
  ) {}

  async instant(query: string, t: number, opts: QueryOptions): Promise<QueryOutcome> {
    try {
      const r = await this.engine.instantQuery(this.queryable, query, t, { signal: opts.signal, lookbackDeltaMs: opts.lookbackDeltaMs, timeoutMs: opts.timeoutMs });
      return { value: r.result, warnings: r.warnings, infos: r.infos };
    } catch (e) {
      return toServiceError(e);
    }
  }

  async range(query: string, start: number, end: number, step: number, opts: QueryOptions): Promise<QueryOutcome> {
    try {
      const r = await this.engine.rangeQuery(this.queryable, query, start, end, step, { signal: opts.signal, lookbackDeltaMs: opts.lookbackDeltaMs, timeoutMs: opts.timeoutMs });
      return { value: r.result, warnings: r.warnings, infos: r.infos };
    } catch (e) {
      return toServiceError(e);
    }
  }

  /** What Prometheus's /api/v1/format_query returns: the multi-line Pretty() form. */
  format(query: string): string {
    try {
      return prettyExpr(parseExpr(query));
    } catch (e) {
      return toServiceError(e);
    }
  }

  /** /api/v1/parse_query: the AST in the JSON shape of Prometheus's web UI tree view. */
  parseToJson(query: string): unknown {
    try {
      return astToJson(parseExpr(query));
    } catch (e) {
      return toServiceError(e);
    }
  }

  parseSelector(selector: string): Matcher[] {
    return parseMetricSelector(selector);
  }
}
