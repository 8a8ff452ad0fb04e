/**
 * The one HTTP POST every HTTP receiver uses, and the one place that decides what a response
 * means (Alertmanager's Retrier.Check): 2xx ok, 5xx and 429 retry, other codes permanent, the
 * body (truncated) in the message. Secrets never appear in error text (see redactUrl).
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpClientConfig } from '../config/alertmanagerHttpConfig.ts';
import { ReceiverError } from './receivers/types.ts';
import { PROMLITE_VERSION } from '../version.ts';

export const USER_AGENT = `Alertmanager/0.25.0 (promlite ${PROMLITE_VERSION})`;

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * Only scheme and host: Slack, Discord and Teams webhook URLs and Telegram's bot token carry
 * their secret in the path, so error text never shows a path, query or credentials.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/<redacted>`;
  } catch {
    return '<invalid url>';
  }
}

export function classifyHttpResponse(res: HttpResult, url: string, extraRetryCodes: readonly number[] = []): void {
  if (res.status >= 200 && res.status < 300) return;
  const body = res.body.length > 512 ? res.body.slice(0, 512) + '…' : res.body;
  const msg = `unexpected status code ${res.status} from ${redactUrl(url)}${body ? `: ${body.trim()}` : ''}`;
  if (res.status >= 500 || res.status === 429 || extraRetryCodes.includes(res.status)) {
    throw new ReceiverError(msg, true, 'serverError');
  }
  throw new ReceiverError(msg, false, 'clientError');
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  contentType?: string;
}

/** POSTs a body and returns status + body; network errors become retryable ReceiverErrors. */
export function postRaw(url: string, body: string, cfg: HttpClientConfig, opts: PostOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const headers: Record<string, string> = {
    'Content-Type': opts.contentType ?? 'application/json',
    'User-Agent': USER_AGENT,
    'Content-Length': String(Buffer.byteLength(body)),
    ...opts.headers,
  };
  if (cfg.authorization) headers.Authorization = cfg.authorization;
  else if (cfg.basicAuth) headers.Authorization = 'Basic ' + Buffer.from(`${cfg.basicAuth.username}:${cfg.basicAuth.password}`).toString('base64');
  else if (u.username) headers.Authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  const isHttps = u.protocol === 'https:';
  const reqOpts: https.RequestOptions = {
    method: 'POST',
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port || (isHttps ? 443 : 80),
    path: u.pathname + u.search,
    headers,
    timeout: opts.timeoutMs ?? 30_000,
  };
  if (isHttps) {
    reqOpts.ca = cfg.tls.ca;
    reqOpts.cert = cfg.tls.cert;
    reqOpts.key = cfg.tls.key;
    reqOpts.servername = cfg.tls.serverName;
    reqOpts.rejectUnauthorized = !cfg.tls.insecureSkipVerify;
  }
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(reqOpts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => reject(new ReceiverError(`reading response from ${redactUrl(url)}: ${e.message}`, true, 'other')));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (e) => reject(new ReceiverError(`POST ${redactUrl(url)}: ${e.message}`, true, 'other')));
    req.end(body);
  });
}

/** POST JSON and classify the answer; resolves on 2xx, throws ReceiverError otherwise. */
export async function postJson(url: string, payload: unknown, cfg: HttpClientConfig, opts: PostOptions = {}): Promise<void> {
  const res = await postRaw(url, JSON.stringify(payload), cfg, opts);
  classifyHttpResponse(res, url);
}
