/**
 * HTTP/2 for https scrape targets (`enable_http2`, on by default as in Prometheus 2.42).
 *
 * Connections offer ALPN `h2,http/1.1`, as Go's transport does. When the server picks h2 the
 * session is kept and each scrape of the target is one stream on it; the session is replaced
 * when it closes, fails or gets a GOAWAY, and dropped when it does not answer a PING after a
 * scrape timed out (so a dead connection cannot make every later scrape time out too). When the
 * server picks http/1.1 (or no ALPN), `get()` hands the connected socket back as an
 * `Http1Socket` for the caller's HTTP/1.1 request: no second handshake. HttpScraper then uses
 * its keep-alive agent for the target and probes again after a failed scrape.
 *
 * Semantics are those of the HTTP/1.1 path: status must be 200, a 3xx with a Location is a
 * ScrapeRedirect, gzip is inflated, body_size_limit applies to the inflated body (and while
 * streaming an uncompressed one), and the timeout covers connecting, the TLS handshake and
 * the whole response. A request on a reused session that the server closed meanwhile (before
 * any answer) is retried once on a new connection, as Go's transport does.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { responseBody } from './gunzip.ts';
import { ScrapeHttpError, ScrapeRedirect, type ScrapeResponse } from './httpScraper.ts';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

export interface Http2ClientOptions {
  url: URL;
  /** The target's TLS options (tls_config), read for each new connection. */
  tls: () => Promise<tls.ConnectionOptions>;
  /** 0 = unlimited. */
  bodySizeLimit: number;
}

/** The server picked HTTP/1.1: a connected TLS socket, for one HTTP/1.1 request by the caller. */
export class Http1Socket {
  constructor(readonly socket: tls.TLSSocket) {}
}

type Connected = http2.ClientHttp2Session | Http1Socket;

const usable = (s: http2.Http2Session) => !s.closed && !s.destroyed;

export class Http2Client {
  private session: http2.ClientHttp2Session | null = null;
  private readonly host: string;
  private readonly port: number;
  /** Fails the requests in flight (close()). */
  private readonly pending = new Set<(e: ScrapeHttpError) => void>();

  constructor(private readonly o: Http2ClientOptions) {
    this.host = o.url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(o.url.port || 443);
  }

  /** GETs the target over h2, or hands back the socket when the server picked HTTP/1.1. */
  get(headers: Record<string, string>, timeoutMs: number): Promise<ScrapeResponse | Http1Socket> {
    const url = this.o.url;
    const h2Headers: http2.OutgoingHttpHeaders = { ':method': 'GET', ':path': url.pathname + url.search };
    for (const [k, v] of Object.entries(headers)) h2Headers[k.toLowerCase()] = v;

    return new Promise((resolve, reject) => {
      let done = false;
      let connecting: { cancel(): void } | null = null;
      let stream: http2.ClientHttp2Stream | null = null;
      let retried = false;

      const settle = () => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        return true;
      };
      const fail = (e: ScrapeHttpError) => {
        if (!settle()) return;
        connecting?.cancel();
        if (stream !== null && !stream.closed) stream.close(NGHTTP2_CANCEL);
        reject(e);
      };
      const failGet = (msg: string) => fail(new ScrapeHttpError(`Get "${url.href}": ${msg}`));
      const timer = setTimeout(() => {
        const session = stream?.session;
        failGet('context deadline exceeded');
        if (session) this.checkAlive(session, timeoutMs);
      }, timeoutMs);
      this.pending.add(fail);

      const start = (reuse: boolean) => {
        const s = this.session;
        if (reuse && s !== null && usable(s)) return send(s, true);
        connecting = this.connect((err, conn) => {
          connecting = null;
          if (err) return failGet(err.message);
          if (done) {
            // Timed out meanwhile: an h2 session is kept for the next scrape, a socket is not.
            if (conn instanceof Http1Socket) conn.socket.destroy();
            return;
          }
          if (conn instanceof Http1Socket) {
            settle();
            return resolve(conn);
          }
          send(conn!, false);
        });
      };

      const send = (session: http2.ClientHttp2Session, reused: boolean) => {
        let st: http2.ClientHttp2Stream;
        try {
          st = session.request(h2Headers, { endStream: true });
        } catch (e) {
          // The session closed between the check and now (GOAWAY, socket closed).
          if (reused && !retried) return retry(session);
          return failGet((e as Error).message);
        }
        stream = st;
        let responded = false;
        let streamError: Error | null = null;
        const chunks: Buffer[] = [];
        let size = 0;
        let gzip = false;
        let contentType = '';
        const limit = this.o.bodySizeLimit;

        st.on('response', (h) => {
          responded = true;
          const status = Number(h[':status']);
          if (status !== 200) {
            const msg = `server returned HTTP status ${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd();
            const location = h.location;
            if (status >= 300 && status < 400 && typeof location === 'string') fail(new ScrapeRedirect(msg, location));
            else fail(new ScrapeHttpError(msg));
            return;
          }
          gzip = h['content-encoding'] === 'gzip';
          contentType = String(h['content-type'] ?? '');
        });
        st.on('data', (c: Buffer) => {
          if (done) return;
          size += c.length;
          // Uncompressed bodies are checked while streaming; gzip ones after inflating.
          if (!gzip && limit > 0 && size > limit) return fail(new ScrapeHttpError(`body size limit exceeded (limit: ${limit} bytes)`));
          chunks.push(c);
        });
        st.on('end', () => {
          if (done || !responded) return;
          let inflated;
          try {
            inflated = responseBody(chunks, size, gzip, limit);
          } catch (e) {
            return fail(new ScrapeHttpError((e as Error).message));
          }
          settle();
          resolve({ ...inflated, contentType });
        });
        st.on('error', (e) => {
          streamError = e;
        });
        st.on('close', () => {
          if (done) return;
          // A reused session the server had closed (or refused the stream on) before answering:
          // the request never reached it, so one retry on a new connection is safe.
          if (reused && !responded && !retried && (st.rstCode === NGHTTP2_REFUSED_STREAM || !usable(session))) return retry(session);
          // A reset by the server comes as an error ("Stream closed with error code NGHTTP2_…").
          if (streamError !== null) return failGet(streamError.message);
          failGet(usable(session) ? `stream closed before the response was complete (HTTP/2 code ${st.rstCode})` : 'connection closed before the response was complete');
        });
      };

      const retry = (dead: http2.ClientHttp2Session) => {
        retried = true;
        if (this.session === dead) this.session = null;
        if (!dead.destroyed) dead.destroy();
        start(false);
      };

      start(true);
    });
  }

  /**
   * Opens a TLS connection offering h2 and http/1.1; an h2 one becomes the target's session.
   * `cb` is not called after `cancel()`.
   */
  private connect(cb: (err: Error | null, conn?: Connected) => void): { cancel(): void } {
    let socket: tls.TLSSocket | null = null;
    let cancelled = false;
    this.o.tls().then(
      (opts) => {
        if (cancelled) return;
        const sock = (socket = tls.connect({
          ...opts,
          host: this.host,
          port: this.port,
          servername: opts.servername ?? (net.isIP(this.host) ? undefined : this.host),
          ALPNProtocols: ['h2', 'http/1.1'],
        }));
        const onError = (e: Error) => {
          if (!cancelled) cb(e);
        };
        sock.once('error', onError);
        sock.once('secureConnect', () => {
          sock.removeListener('error', onError);
          if (cancelled) return;
          if (sock.alpnProtocol !== 'h2') {
            // The caller's HTTP/1.1 request takes the socket over and handles its errors.
            sock.on('error', () => {});
            return cb(null, new Http1Socket(sock));
          }
          cb(null, this.adopt(sock));
        });
      },
      (e: Error) => {
        if (!cancelled) cb(e);
      },
    );
    return {
      cancel: () => {
        cancelled = true;
        socket?.destroy();
      },
    };
  }

  /** Starts an h2 session on a socket that negotiated h2 and makes it the target's session. */
  private adopt(sock: tls.TLSSocket): http2.ClientHttp2Session {
    const session = http2.connect(this.o.url.origin, { createConnection: () => sock, settings: { enablePush: false } });
    const drop = () => {
      if (this.session === session) this.session = null;
    };
    // Stream errors reach the streams; a session error, GOAWAY or close ends the session.
    session.on('error', drop);
    session.on('goaway', drop);
    session.on('close', drop);
    const old = this.session;
    this.session = session;
    if (old !== null && old !== session) old.close(); // closes once its streams are done
    return session;
  }

  /**
   * After a scrape timed out: a session whose peer does not answer a PING within the timeout
   * is destroyed, so the next scrape connects anew instead of waiting on a dead connection.
   */
  private checkAlive(session: http2.Http2Session, timeoutMs: number): void {
    if (!usable(session)) return;
    const timer = setTimeout(() => session.destroy(), timeoutMs);
    timer.unref();
    const sent = session.ping((err) => {
      clearTimeout(timer);
      if (err && !session.destroyed) session.destroy();
    });
    if (!sent) {
      clearTimeout(timer);
      session.destroy();
    }
  }

  /** Fails requests in flight and closes the session. */
  close(): void {
    for (const fail of [...this.pending]) fail(new ScrapeHttpError('scrape loop stopped'));
    const s = this.session;
    this.session = null;
    s?.destroy();
  }
}
