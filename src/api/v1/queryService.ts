/**
 * What the query endpoints need from PromQL, and nothing more. main.ts adapts the engine to
 * it; tests can pass a fake. Errors carry a Prometheus error type so they map to envelopes.
 */
import type { QueryValue } from '../../promql/values.ts';
import type { ApiErrorType } from '../respond.ts';

export interface QueryOptions {
  timeoutMs?: number;
  lookbackDeltaMs?: number;
  signal?: AbortSignal;
}

export interface QueryOutcome {
  value: QueryValue;
  warnings: string[];
  infos?: string[];
}

export interface QueryService {
  instant(query: string, t: number, opts: QueryOptions): Promise<QueryOutcome>;
  range(query: string, start: number, end: number, step: number, opts: QueryOptions): Promise<QueryOutcome>;
  /** Canonical form of the expression (format_query); throws a bad_data error on parse errors. */
  format(query: string): string;
  /** JSON AST (parse_query). */
  parseToJson(query: string): unknown;
  /** Parses a series selector for match[] parameters; throws a bad_data error on bad input. */
  parseSelector(selector: string): import('../../storage/matcher.ts').Matcher[];
}

/** Error a QueryService throws; `type` selects the HTTP status. */
export class QueryServiceError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'QueryServiceError';
  }
}
