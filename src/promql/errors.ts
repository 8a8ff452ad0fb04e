/**
 * Typed query errors. The API layer maps `type` onto Prometheus's error envelope
 * (`errorType` bad_data / execution / timeout / canceled); messages are Prometheus's own.
 */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled';

export class QueryError extends Error {
  constructor(
    readonly type: QueryErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** An error raised while evaluating (Prometheus's ev.errorf); surfaces as type 'execution'. */
export function evalError(message: string): QueryError {
  return new QueryError('execution', message);
}

export const TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';
