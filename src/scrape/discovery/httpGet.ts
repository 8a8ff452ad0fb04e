/** A small GET client over node:http(s) honouring an HttpClientConfig (auth, TLS, redirects). */
import http from 'node:http';
import https from 'node:https';
import { authorizationHeader, tlsConnectionOptions, type HttpClientConfig } from '../../config/httpClientConfig.ts';

export interface HttpResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

const MAX_REDIRECTS = 10;

export async function httpGet(
  url: string,
  cfg: HttpClientConfig,
  opts: { headers?: Record<string, string>; timeoutMs: number; maxBytes: number },
): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'User-Agent': 'promlite', ...opts.headers };
  const auth = await authorizationHeader(cfg);
  if (auth) headers.Authorization = auth;
  const tls = url.startsWith('https:') ? await tlsConnectionOptions(cfg.tls) : {};
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(current, headers, tls, opts);
    if (res.location && cfg.followRedirects && hop < MAX_REDIRECTS) {
      current = new URL(res.location, current).toString();
      continue;
    }
    return res.response;
  }
}

function requestOnce(
  url: string,
  headers: Record<string, string>,
  tls: https.RequestOptions,
  opts: { timeoutMs: number; maxBytes: number },
): Promise<{ response: HttpResponse; location?: string }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, timeout: opts.timeoutMs, ...tls }, (res) => {
      const status = res.statusCode ?? 0;
      const location = status >= 300 && status < 400 ? res.headers.location : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          req.destroy(new Error(`response body larger than ${opts.maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () =>
        resolve({ response: { status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }, location }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${opts.timeoutMs}ms`)));
    req.on('error', reject);
  });
}
