/**
 * The Prometheus API envelope. Handlers return an ApiResult; `sendResult` writes it with the
 * exact status codes Prometheus uses (web/api/v1 respondError), so every route formats the
 * same way and no handler builds an envelope by hand.
 */
import type { FastifyReply } from 'fastify';

export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'not_found'
  | 'unavailable';

export interface ApiError {
  type: ApiErrorType;
  message: string;
}

export type ApiResult<T = unknown> =
  | { data: T; warnings?: string[]; infos?: string[] }
  | { error: ApiError; data?: T; warnings?: string[] };

/** Thrown inside handlers for user errors; the error handler renders it as an envelope. */
export class ApiException extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ApiException';
  }
}

export function badData(message: string): ApiException {
  return new ApiException('bad_data', message);
}

const STATUS_BY_TYPE: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  not_found: 404,
  unavailable: 500,
};

export function statusForErrorType(t: ApiErrorType): number {
  return STATUS_BY_TYPE[t] ?? 500;
}

export function envelope(result: ApiResult): Record<string, unknown> {
  if ('error' in result) {
    const body: Record<string, unknown> = { status: 'error', errorType: result.error.type, error: result.error.message };
    if (result.data !== undefined) body.data = result.data;
    if (result.warnings?.length) body.warnings = result.warnings;
    return body;
  }
  const body: Record<string, unknown> = { status: 'success', data: result.data };
  if (result.warnings?.length) body.warnings = result.warnings;
  if (result.infos?.length) body.infos = result.infos;
  return body;
}

/** `data` that is already JSON text (query results are rendered straight to text). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The envelope as JSON text; a JsonText `data` is spliced in as it is. */
export function envelopeJson(result: ApiResult): string {
  if ('error' in result || !(result.data instanceof JsonText)) return goJson(JSON.stringify(envelope(result)));
  let out = `{"status":"success","data":${result.data.text}`;
  if (result.warnings?.length) out += `,"warnings":${JSON.stringify(result.warnings)}`;
  if (result.infos?.length) out += `,"infos":${JSON.stringify(result.infos)}`;
  return goJson(out + '}');
}

const GO_ESCAPED = /[<>&\u2028\u2029]/g;
const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON text as Go's encoder writes it (Prometheus's API responses): `<`, `>`, `&`, U+2028 and
 * U+2029 inside strings escaped as \u003c, \u003e, \u0026, \u2028, \u2029. These characters
 * can only occur inside JSON strings, so replacing them everywhere is exact.
 */
export function goJson(json: string): string {
  GO_ESCAPED.lastIndex = 0;
  return GO_ESCAPED.test(json) ? json.replace(GO_ESCAPED, (c) => GO_ESCAPES[c]!) : json;
}

export function sendResult(reply: FastifyReply, result: ApiResult): FastifyReply {
  const code = 'error' in result ? statusForErrorType(result.error.type) : 200;
  return reply.code(code).header('content-type', 'application/json').send(envelopeJson(result));
}

export function sendError(reply: FastifyReply, type: ApiErrorType, message: string): FastifyReply {
  return sendResult(reply, { error: { type, message } });
}
