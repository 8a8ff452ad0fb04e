/**
 * Sends one snappy-compressed WriteRequest with the headers Prometheus 2.42 sends, and
 * classifies the answer: 2xx ok; 5xx, 429 and network errors retryable; other 4xx final.
 */
import http from 'node:http';
import https from 'node:https';
import { authorizationHeader, tlsConnectionOptions, type HttpClientConfig } from '../config/httpClientConfig.ts';
import { PROMLITE_VERSION } from '../version.ts';

export interface SendResult {
  ok: boolean;
  retryable: boolean;
  status: number;
  error?: string;
}

export interface RemoteWriteSender {
  send(body: Uint8Array): Promise<SendResult>;
}

export interface HttpWriteSenderOptions {
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  http: HttpClientConfig;
}

export class HttpWriteSender implements RemoteWriteSender {
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(private readonly opts: HttpWriteSenderOptions) {
    this.url = new URL(opts.url);
    this.agent = this.url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  async send(body: Uint8Array): Promise<SendResult> {
    const headers: Record<string, string> = {
      ...this.opts.headers,
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'User-Agent': `promlite/${PROMLITE_VERSION}`,
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      'Content-Length': String(body.byteLength),
    };
    let tlsOpts = {};
    try {
      const auth = await authorizationHeader(this.opts.http);
      if (auth) headers.Authorization = auth;
      if (this.url.protocol === 'https:') tlsOpts = await tlsConnectionOptions(this.opts.http.tls);
    } catch (e) {
      return { ok: false, retryable: true, status: 0, error: (e as Error).message };
    }
    const mod = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const req = mod.request(
        this.url,
        { method: 'POST', headers, agent: this.agent, timeout: this.opts.timeoutMs, ...tlsOpts },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < 1024) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 512);
            if (status >= 200 && status < 300) resolve({ ok: true, retryable: false, status });
            else resolve({ ok: false, retryable: status >= 500 || status === 429, status, error: `server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}: ${text}`.trim() });
          });
          res.on('error', (e) => resolve({ ok: false, retryable: true, status: 0, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (timeout ${this.opts.timeoutMs}ms)`)));
      req.on('error', (e) => resolve({ ok: false, retryable: true, status: 0, error: e.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
