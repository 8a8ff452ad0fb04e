/** Adapts the PromQL engine and parser to the QueryService the query endpoints use. */
import { Engine, QueryError } from '../../promql/engine.ts';
import { parseExpr } from '../../promql/parser.ts';
import { PromQLParseError } from '../../promql/parseError.ts';
import type { Queryable } from '../../storage/interface.ts';
import type { Matcher } from '../../storage/matcher.ts';
import { QueryServiceError, type QueryOptions, type QueryOutcome, type QueryService } from './queryService.ts';

function toServiceError(e: unknown): never {
  if (e instanceof PromQLParseError) throw new QueryServiceError('bad_data', e.message);
  if (e instanceof QueryError) throw new QueryServiceError(e.type, e.message);
  throw e;
}

/** A series selector for match[] (Prometheus's parser.ParseMetricSelector). */
export function parseMetricSelector(s: string): Matcher[] {
  let expr;
  try {
    expr = parseExpr(s);
  } catch (e) {
    if (e instanceof PromQLParseError) throw new QueryServiceError('bad_data', e.message);
    throw e;
  }
  if (expr.type !== 'VectorSelector') throw new QueryServiceError('bad_data', `1:1: parse error: expected vector selector, got ${expr.type}`);
  return expr.matchers;
}

export class EngineQueryService implements QueryService {
  constructor(
    private readonly engine: Engine,
    private readonly queryable: Queryable,
    private readonly formatter: (expr: ReturnType<typeof parseExpr>) => string,
  ) {}

  async instant(query: string, t: number, opts: QueryOptions): Promise<QueryOutcome> {
    try {
      const r = await this.engine.instantQuery(this.queryable, query, t, { signal: opts.signal, lookbackDeltaMs: opts.lookbackDeltaMs });
      return { value: r.result, warnings: r.warnings, infos: r.infos };
    } catch (e) {
      return toServiceError(e);
    }
  }

  async range(query: string, start: number, end: number, step: number, opts: QueryOptions): Promise<QueryOutcome> {
    try {
      const r = await this.engine.rangeQuery(this.queryable, query, start, end, step, { signal: opts.signal, lookbackDeltaMs: opts.lookbackDeltaMs });
      return { value: r.result, warnings: r.warnings, infos: r.infos };
    } catch (e) {
      return toServiceError(e);
    }
  }

  format(query: string): string {
    try {
      return this.formatter(parseExpr(query));
    } catch (e) {
      return toServiceError(e);
    }
  }

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

/** The AST as JSON, with matchers rendered as {type, name, value}. */
function astToJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(astToJson);
  if (node && typeof node === 'object') {
    if ('matches' in node && 'type' in node && 'name' in node && 'value' in node) {
      const m = node as Matcher;
      return { type: m.type, name: m.name, value: m.value };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = astToJson(v);
    return out;
  }
  return node;
}
