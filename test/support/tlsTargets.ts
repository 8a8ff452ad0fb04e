/**
 * TLS scrape targets on 127.0.0.1 for the HTTP/2 tests: a throwaway self-signed certificate
 * (openssl, valid for 127.0.0.1 and localhost) and a metrics server that speaks only h2
 * (`http2.createSecureServer` without allowHTTP1, like some gRPC-gateway exporters) or only
 * HTTP/1.1 (`https.createServer`). The server records every request and session, can be told
 * to hang, and can be restarted on the same port.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { requireBinary } from './tools.ts';

export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** Writes `cert.pem` / `key.pem` into `dir`: self-signed, for IP 127.0.0.1 and localhost. */
export function makeTestCert(dir: string): TestCert {
  requireBinary('openssl');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate:\n${made.stderr}`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

export const TEST_PAYLOAD = '# HELP h2_test_metric A metric served over TLS.\n# TYPE h2_test_metric gauge\nh2_test_metric{proto="any"} 42\n';

export interface SeenRequest {
  path: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
}

/**
 * Paths: `/metrics` (TEST_PAYLOAD, gzipped when asked), `/gzip` (always gzipped), `/big`
 * (`bigSize` bytes, plain), `/big.gz` (the same gzipped), `/status` (503), `/redirect`
 * (302 to /metrics?from=redirect), `/reset` (stream or connection reset), `/hang` (never answers). `hang = true` makes every path hang.
 */
export class TlsMetricsServer {
  server!: http2.Http2SecureServer | https.Server;
  port = 0;
  readonly seen: SeenRequest[] = [];
  /** h2 sessions (h2 server) or TCP connections (HTTP/1.1 server) accepted so far. */
  connections = 0;
  hang = false;
  bigSize = 64 * 1024;
  /** TCP connections, whatever was negotiated on them. */
  private readonly open = new Set<net.Socket>();

  constructor(
    private readonly cert: TestCert,
    readonly kind: 'h2' | 'http1',
  ) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const handler = (req: { url?: string; httpVersion: string; headers: IncomingHttpHeaders }, res: unknown) => this.handle(req, res as ServerResponseLike);
    if (this.kind === 'h2') {
      const s = http2.createSecureServer({ key: this.cert.key, cert: this.cert.cert }, handler);
      s.on('session', () => this.connections++);
      this.server = s;
    } else {
      const s = https.createServer({ key: this.cert.key, cert: this.cert.cert }, handler);
      s.on('secureConnection', () => this.connections++);
      this.server = s;
    }
    this.server.on('connection', (sock: net.Socket) => {
      this.open.add(sock);
      sock.on('close', () => this.open.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Stops listening and drops every open session / connection (hanging requests included). */
  async stop(): Promise<void> {
    for (const c of this.open) c.destroy();
    this.open.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Stops and starts again on the same port (a new process as far as clients can tell). */
  async restart(): Promise<void> {
    await this.stop();
    await this.start(this.port);
  }

  private handle(req: { url?: string; httpVersion: string; headers: IncomingHttpHeaders }, res: ServerResponseLike): void {
    const url = new URL(req.url ?? '/', 'https://x');
    this.seen.push({ path: url.pathname + url.search, httpVersion: req.httpVersion, headers: req.headers });
    if (this.hang || url.pathname === '/hang') return; // never answers
    const text = 'text/plain; version=0.0.4; charset=utf-8';
    switch (url.pathname) {
      case '/metrics':
        if (String(req.headers['accept-encoding'] ?? '').includes('gzip')) {
          res.writeHead(200, { 'content-type': text, 'content-encoding': 'gzip' });
          res.end(gzipSync(TEST_PAYLOAD));
        } else {
          res.writeHead(200, { 'content-type': text });
          res.end(TEST_PAYLOAD);
        }
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': text, 'content-encoding': 'gzip' });
        res.end(gzipSync(TEST_PAYLOAD));
        return;
      case '/big':
      case '/big.gz': {
        const line = 'h2_big_metric 1\n';
        const body = Buffer.from(line.repeat(Math.ceil(this.bigSize / line.length)));
        const gz = url.pathname === '/big.gz';
        res.writeHead(200, { 'content-type': text, ...(gz ? { 'content-encoding': 'gzip' } : {}) });
        res.end(gz ? gzipSync(body) : body);
        return;
      }
      case '/reset':
        // h2: RST_STREAM INTERNAL_ERROR (the session stays); HTTP/1.1: the connection drops.
        if ('stream' in res) (res as { stream: http2.ServerHttp2Stream }).stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        else (res as unknown as { socket: net.Socket }).socket.destroy();
        return;
      case '/status':
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      case '/redirect':
        res.writeHead(302, { location: '/metrics?from=redirect' });
        res.end();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  }
}

/** What both servers' responses offer (http2 compat API and node:http). */
interface ServerResponseLike {
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body?: string | Buffer): unknown;
}

/**
 * A prometheus.yml scraping `target` (a TlsMetricsServer) every second in three https jobs:
 * `h2-ca` (tls_config.ca_file), `h2-insecure` (insecure_skip_verify) and `h2-disabled`
 * (enable_http2: false, so an h2-only target fails).
 */
export function http2ScrapeConfig(target: TlsMetricsServer, caFile: string): string {
  const job = (name: string, extra: string) => `
  - job_name: ${name}
    scheme: https
${extra}
    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]`;
  return `global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:${job('h2-ca', `    tls_config: { ca_file: '${caFile}' }`)}${job('h2-insecure', '    tls_config: { insecure_skip_verify: true }')}${job('h2-disabled', `    enable_http2: false\n    tls_config: { ca_file: '${caFile}' }`)}
`;
}
