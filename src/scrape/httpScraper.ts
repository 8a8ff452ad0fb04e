/**
 * Fetches one target's /metrics over node:http(s) with a keep-alive agent (cheaper per MB than
 * fetch(), see DESIGN measured costs). Sends the Accept header Prometheus 2.42 sends, accepts
 * gzip, enforces the scrape timeout and body_size_limit (on the decompressed body). https
 * targets speak HTTP/2 when the server picks it and `enable_http2` is on (http2Client.ts);
 * plain-http targets always use HTTP/1.1 (no h2c), as in Prometheus.
 */
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { responseBody } from './gunzip.ts';
import { Http1Socket, Http2Client } from './http2Client.ts';
import { RawHttpClient } from './rawHttpClient.ts';
import { authorizationHeader, tlsConnectionOptions, type HttpClientConfig } from '../config/httpClientConfig.ts';

/** Exactly what Prometheus 2.42 asks for: OpenMetrics preferred, text 0.0.4 accepted. */
export const ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export const USER_AGENT = 'promlite/0.1.0';

export interface ScrapeResponse {
  body: Buffer;
  contentType: string;
  /** Hands a pooled body buffer back; the body must not be read afterwards. */
  release?: () => void;
}

export class ScrapeHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScrapeHttpError';
  }
}

/** A 3xx answer with a Location: followed when the config says so (Prometheus's default). */
export class ScrapeRedirect extends ScrapeHttpError {
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(message);
  }
}

type Via = { agent: http.Agent } | { socket: tls.TLSSocket };

/** Go's http.Client stops after 10 redirects. */
const MAX_REDIRECTS = 10;

/** The Accept header for a `scrape_protocols` list (newer Prometheus); protobuf is not offered. */
export function acceptHeaderFor(protocols: readonly string[] | undefined): string {
  if (protocols === undefined) return ACCEPT_HEADER;
  const media: Record<string, string> = {
    'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
    'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
    'PrometheusText0.0.4': 'text/plain;version=0.0.4',
    'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  };
  const offered = protocols.filter((p) => media[p] !== undefined);
  let weight = offered.length + 1;
  const parts = offered.map((p) => `${media[p]};q=0.${weight--}`);
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}

/** One agent per scrape pool: keep-alive connections shared by the pool's targets. */
export async function createAgent(url: URL, cfg: HttpClientConfig): Promise<http.Agent> {
  if (url.protocol === 'https:') return new https.Agent({ keepAlive: true, maxFreeSockets: 256, ...(await tlsConnectionOptions(cfg.tls)) });
  return new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
}

export interface HttpScraperOptions {
  url: URL;
  /** Keep-alive agent for https targets; plain http uses the raw client and needs none. */
  agent: Promise<http.Agent> | null;
  timeoutMs: number;
  /** 0 = unlimited. */
  bodySizeLimit: number;
  client: HttpClientConfig;
  acceptHeader: string;
  enableCompression: boolean;
}

export class HttpScraper {
  /** Request headers of the node:http path (https targets and redirects). */
  private readonly headers: Record<string, string>;
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly bodySizeLimit: number;
  private agent: http.Agent | null = null;
  /** Plain-http targets use the raw keep-alive client (cheaper per scrape than node:http). */
  private readonly raw: RawHttpClient | null;
  /** https targets with enable_http2: h2 when the server picks it. */
  private readonly h2: Http2Client | null;
  /**
   * The server picked HTTP/1.1 on the last ALPN connection: scrapes go through the keep-alive
   * agent until one fails, then the next one offers h2 again.
   */
  private http1 = false;

  constructor(private readonly o: HttpScraperOptions) {
    const url = (this.url = o.url);
    this.timeoutMs = o.timeoutMs;
    this.bodySizeLimit = o.bodySizeLimit;
    const headers: Record<string, string> = {
      Accept: o.acceptHeader,
      'User-Agent': USER_AGENT,
      'X-Prometheus-Scrape-Timeout-Seconds': String(o.timeoutMs / 1000),
    };
    if (o.enableCompression) headers['Accept-Encoding'] = 'gzip';
    else headers['Accept-Encoding'] = 'identity';
    this.raw = url.protocol === 'http:' ? new RawHttpClient({ url, headers: { ...headers }, timeoutMs: o.timeoutMs, bodySizeLimit: o.bodySizeLimit }) : null;
    this.h2 = url.protocol === 'https:' && o.client.enableHttp2 ? this.http2Client(url) : null;
    this.headers = headers;
  }

  async scrape(): Promise<ScrapeResponse> {
    try {
      return await this.scrapeTarget();
    } catch (e) {
      if (!(e instanceof ScrapeRedirect) || !this.o.client.followRedirects) throw e;
      return this.followRedirects(e);
    }
  }

  /**
   * The rare path of a target that redirects: every hop is a one-off request through node:http(s)
   * (no keep-alive), as Go's client does; auth headers go along only to the same host.
   */
  private async followRedirects(first: ScrapeRedirect): Promise<ScrapeResponse> {
    let redirect = first;
    let from = this.url;
    for (let hop = 1; ; hop++) {
      if (hop > MAX_REDIRECTS) throw new ScrapeHttpError(`Get "${this.url.href}": stopped after ${MAX_REDIRECTS} redirects`);
      const to = new URL(redirect.location, from);
      if (to.protocol !== 'http:' && to.protocol !== 'https:') throw new ScrapeHttpError(`Get "${to.href}": unsupported protocol scheme "${to.protocol.slice(0, -1)}"`);
      const headers = { ...this.headers };
      if (to.host !== this.url.host) delete headers.Authorization;
      try {
        return await this.fetchOnce(to, headers);
      } catch (e) {
        if (!(e instanceof ScrapeRedirect)) throw e;
        redirect = e;
        from = to;
      }
    }
  }

  /** One request on a new connection (a redirect hop): h2 for https when enabled and offered. */
  private async fetchOnce(url: URL, headers: Record<string, string>): Promise<ScrapeResponse> {
    if (url.protocol === 'https:' && this.o.client.enableHttp2) {
      const h2 = this.http2Client(url);
      try {
        const started = Date.now();
        const r = await h2.get(headers, this.timeoutMs);
        if (!(r instanceof Http1Socket)) return r;
        return await this.fetch({ socket: r.socket }, url, headers, this.timeoutMs - (Date.now() - started));
      } finally {
        h2.close();
      }
    }
    const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: false, ...(await tlsConnectionOptions(this.o.client.tls)) }) : new http.Agent({ keepAlive: false });
    try {
      return await this.fetch({ agent }, url, headers, this.timeoutMs);
    } finally {
      agent.destroy();
    }
  }

  private http2Client(url: URL): Http2Client {
    return new Http2Client({ url, tls: () => tlsConnectionOptions(this.o.client.tls), bodySizeLimit: this.bodySizeLimit });
  }

  private async scrapeTarget(): Promise<ScrapeResponse> {
    const c = this.o.client;
    // Secrets in files are read per request (rotation without reload); inline ones cost nothing.
    const auth = c.basicAuth || c.authorization ? ((await authorizationHeader(c)) ?? '') : null;
    // Kept in the node:http options too: redirects are followed from there.
    if (auth !== null) this.headers.Authorization = auth;
    if (this.raw !== null) {
      if (auth !== null) this.raw.setHeader('Authorization', auth);
      return this.raw.scrape();
    }
    if (this.h2 !== null && !this.http1) {
      const started = Date.now();
      const r = await this.h2.get(this.headers, this.timeoutMs);
      if (!(r instanceof Http1Socket)) return r;
      // The server picked HTTP/1.1: this request goes over the socket it was negotiated on.
      this.http1 = true;
      return this.fetchHttp1({ socket: r.socket }, this.timeoutMs - (Date.now() - started));
    }
    if (this.agent === null) {
      if (this.o.agent === null) throw new ScrapeHttpError('no HTTPS agent configured');
      this.agent = await this.o.agent;
    }
    return this.fetchHttp1({ agent: this.agent }, this.timeoutMs);
  }

  /** HTTP/1.1 to the target; with h2 enabled, a failure makes the next scrape offer h2 again. */
  private async fetchHttp1(via: Via, timeoutMs: number): Promise<ScrapeResponse> {
    try {
      return await this.fetch(via, this.url, this.headers, timeoutMs);
    } catch (e) {
      this.http1 = false;
      throw e;
    }
  }

  close(): void {
    this.raw?.close();
    this.h2?.close();
  }

  /** A request goes through a keep-alive agent, or over a TLS socket that negotiated http/1.1. */
  private fetch(via: Via, url: URL, headers: Record<string, string>, timeoutMs: number): Promise<ScrapeResponse> {
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (msg: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        reject(new ScrapeHttpError(msg));
      };
      const options: http.RequestOptions = {
        method: 'GET',
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: url.pathname + url.search,
        headers,
        // Without an agent node:http would take port 80 as the default one for the Host header.
        ...('agent' in via ? { agent: via.agent } : { createConnection: () => via.socket, defaultPort: 443 }),
      };
      const request = url.protocol === 'https:' ? https.request : http.request;
      const req = request(options, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          const msg = `server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd();
          const location = res.headers.location;
          if (res.statusCode! >= 300 && res.statusCode! < 400 && location !== undefined) {
            if (done) return;
            done = true;
            clearTimeout(timer);
            req.destroy();
            reject(new ScrapeRedirect(msg, location));
          } else fail(msg);
          return;
        }
        const gzip = res.headers['content-encoding'] === 'gzip';
        const limit = this.bodySizeLimit;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // Uncompressed bodies are checked while streaming; gzip ones after inflating.
          if (!gzip && limit > 0 && size > limit) return fail(`body size limit exceeded (limit: ${limit} bytes)`);
          chunks.push(c);
        });
        res.on('error', (e) => fail(e.message));
        res.on('end', () => {
          if (done) return;
          let inflated;
          try {
            inflated = responseBody(chunks, size, gzip, limit);
          } catch (e) {
            return fail((e as Error).message);
          }
          done = true;
          clearTimeout(timer);
          resolve({ ...inflated, contentType: String(res.headers['content-type'] ?? '') });
        });
      });
      req.on('error', (e) => fail(`Get "${url.href}": ${e.message}`));
      const timer = setTimeout(() => fail(`Get "${url.href}": context deadline exceeded`), Math.max(timeoutMs, 1));
      req.end();
    });
  }
}
