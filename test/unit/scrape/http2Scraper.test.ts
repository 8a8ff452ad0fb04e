/**
 * https targets over HTTP/2 (enable_http2, Prometheus's default): against real TLS servers on
 * 127.0.0.1 that speak only h2 or only HTTP/1.1. Same semantics as the HTTP/1.1 path (headers,
 * status, redirects, gzip, body_size_limit, timeout), one kept session per target that is
 * replaced when the server goes away or stops answering, and HTTP/1.1 when the server picks it
 * or enable_http2 is false.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_HTTP_CLIENT, type HttpClientConfig } from '../../../src/config/httpClientConfig.ts';
import { ACCEPT_HEADER, createAgent, HttpScraper, USER_AGENT } from '../../../src/scrape/httpScraper.ts';
import { makeTestCert, TEST_PAYLOAD, TlsMetricsServer } from '../../support/tlsTargets.ts';
import { sleep } from '../../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'promlite-h2-'));
const cert = makeTestCert(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

interface ScraperOpts {
  client?: Partial<HttpClientConfig>;
  timeoutMs?: number;
  bodySizeLimit?: number;
  enableCompression?: boolean;
}

/** The pool's keep-alive agent of each scraper, destroyed by using() as ScrapePool.stop() does. */
const agents = new WeakMap<HttpScraper, Promise<http.Agent>>();

function scraper(base: string, path: string, o: ScraperOpts = {}): HttpScraper {
  const url = new URL(base + path);
  const client: HttpClientConfig = { ...DEFAULT_HTTP_CLIENT, tls: { caFile: cert.certFile, insecureSkipVerify: false }, ...o.client };
  const agent = createAgent(url, client);
  const s = new HttpScraper({
    url,
    agent,
    timeoutMs: o.timeoutMs ?? 5000,
    bodySizeLimit: o.bodySizeLimit ?? 0,
    client,
    acceptHeader: ACCEPT_HEADER,
    enableCompression: o.enableCompression ?? true,
  });
  agents.set(s, agent);
  return s;
}

/** Runs `fn` with a scraper and closes it afterwards. */
async function using<T>(s: HttpScraper, fn: (s: HttpScraper) => Promise<T>): Promise<T> {
  try {
    return await fn(s);
  } finally {
    s.close();
    (await agents.get(s))?.destroy();
  }
}

describe('HttpScraper over HTTP/2 (h2-only TLS server)', () => {
  const srv = new TlsMetricsServer(cert, 'h2');
  before(() => srv.start());
  after(() => srv.stop());

  it('scrapes over h2 with the scrape headers, one session for several scrapes', async () => {
    const credFile = join(dir, 'token');
    writeFileSync(credFile, 'secret-1\n');
    srv.seen.length = 0;
    const before = srv.connections;
    await using(scraper(srv.url, '/metrics', { client: { authorization: { type: 'Bearer', credentialsFile: credFile } } }), async (s) => {
      for (let i = 0; i < 3; i++) {
        const r = await s.scrape();
        assert.equal(r.body.toString(), TEST_PAYLOAD);
        assert.equal(r.contentType, 'text/plain; version=0.0.4; charset=utf-8');
        r.release?.();
        if (i === 1) writeFileSync(credFile, 'secret-2\n'); // file secrets are read per request
      }
    });
    assert.equal(srv.connections - before, 1, 'one h2 session for three scrapes');
    assert.deepEqual(srv.seen.map((r) => r.httpVersion), ['2.0', '2.0', '2.0']);
    const h = srv.seen[0]!.headers;
    assert.equal(h.accept, ACCEPT_HEADER);
    assert.equal(h['user-agent'], USER_AGENT);
    assert.equal(h['x-prometheus-scrape-timeout-seconds'], '5');
    assert.equal(h['accept-encoding'], 'gzip');
    assert.equal(h[':authority'], `127.0.0.1:${srv.port}`);
    assert.deepEqual(srv.seen.map((r) => r.headers.authorization), ['Bearer secret-1', 'Bearer secret-1', 'Bearer secret-2']);
  });

  it('inflates gzip bodies and sends Accept-Encoding: identity without compression', async () => {
    await using(scraper(srv.url, '/gzip'), async (s) => assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD));
    srv.seen.length = 0;
    await using(scraper(srv.url, '/metrics', { enableCompression: false }), async (s) => assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD));
    assert.equal(srv.seen[0]!.headers['accept-encoding'], 'identity');
  });

  it('fails on a status other than 200, naming it', async () => {
    await using(scraper(srv.url, '/status'), async (s) => {
      await assert.rejects(s.scrape(), { name: 'ScrapeHttpError', message: 'server returned HTTP status 503 Service Unavailable' });
      // The session survives a failed request.
      await assert.rejects(s.scrape(), /503/);
    });
  });

  it('fails readably on a stream reset by the server, keeping the session', async () => {
    const before = srv.connections;
    await using(scraper(srv.url, '/reset'), async (s) => {
      await assert.rejects(s.scrape(), { message: `Get "${srv.url}/reset": Stream closed with error code NGHTTP2_INTERNAL_ERROR` });
      await assert.rejects(s.scrape(), /NGHTTP2_INTERNAL_ERROR/);
    });
    assert.equal(srv.connections - before, 1);
  });

  it('follows a redirect over h2, or names the status when follow_redirects is false', async () => {
    srv.seen.length = 0;
    await using(scraper(srv.url, '/redirect'), async (s) => assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD));
    assert.deepEqual(
      srv.seen.map((r) => [r.path, r.httpVersion]),
      [['/redirect', '2.0'], ['/metrics?from=redirect', '2.0']],
    );
    await using(scraper(srv.url, '/redirect', { client: { followRedirects: false } }), async (s) => {
      await assert.rejects(s.scrape(), { message: 'server returned HTTP status 302 Found' });
    });
  });

  it('enforces body_size_limit on plain and gzip bodies', async () => {
    for (const path of ['/big', '/big.gz']) {
      await using(scraper(srv.url, path, { bodySizeLimit: 1000 }), async (s) => {
        await assert.rejects(s.scrape(), { message: 'body size limit exceeded (limit: 1000 bytes)' }, path);
      });
      await using(scraper(srv.url, path, { bodySizeLimit: 1 << 20 }), async (s) => {
        assert.ok((await s.scrape()).body.length >= srv.bigSize, path);
      });
    }
  });

  it('times out with the deadline error, and the next scrape works on the same session', async () => {
    const before = srv.connections;
    await using(scraper(srv.url, '/metrics', { timeoutMs: 1000 }), async (s) => {
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      srv.hang = true;
      const t0 = Date.now();
      try {
        await assert.rejects(s.scrape(), { message: `Get "${srv.url}/metrics": context deadline exceeded` });
      } finally {
        srv.hang = false;
      }
      assert.ok(Date.now() - t0 < 3000, 'bounded by the scrape timeout');
      await sleep(200); // the liveness PING after a timeout is answered: the session stays
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
    });
    assert.equal(srv.connections - before, 1);
  });

  it('reconnects after the server restarts between scrapes, and right after it drops the session', async () => {
    await using(scraper(srv.url, '/metrics'), async (s) => {
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      const before = srv.connections;
      await srv.restart();
      await sleep(50);
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      assert.equal(srv.connections - before, 1, 'a new session on the restarted server');
      // No pause: the client may still hold the dead session and must retry on a new one.
      await srv.restart();
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      assert.equal(srv.connections - before, 2);
    });
  });

  it('drops a session that stops answering altogether (stalled connection) and reconnects', async () => {
    const proxy = await blackHoleProxy(srv.port);
    try {
      await using(scraper(`https://127.0.0.1:${proxy.port}`, '/metrics', { timeoutMs: 300 }), async (s) => {
        assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
        proxy.stallOpenConnections();
        const t0 = Date.now();
        await assert.rejects(s.scrape(), /context deadline exceeded/);
        assert.ok(Date.now() - t0 < 1500, 'bounded by the scrape timeout');
        await sleep(800); // the PING goes unanswered for a scrape timeout: the session is dropped
        assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
        assert.equal(proxy.connections(), 2);
      });
    } finally {
      proxy.close();
    }
  });

  it('close() fails a scrape in flight and closes the session', async () => {
    const s = scraper(srv.url, '/hang');
    const open = srv.connections;
    const p = s.scrape();
    await sleep(100);
    assert.equal(srv.connections, open + 1);
    s.close();
    await assert.rejects(p, { message: 'scrape loop stopped' });
  });

  it('fails readably when the certificate is not trusted', async () => {
    await using(scraper(srv.url, '/metrics', { client: { tls: { insecureSkipVerify: false } } }), async (s) => {
      await assert.rejects(s.scrape(), { message: `Get "${srv.url}/metrics": self-signed certificate` });
    });
    await using(scraper(srv.url, '/metrics', { client: { tls: { insecureSkipVerify: true } } }), async (s) => {
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
    });
  });

  it('with enable_http2: false, offers HTTP/1.1 only and fails against the h2-only server', async () => {
    // What node's h2-only server answers a client without ALPN; Prometheus reports the same.
    await using(scraper(srv.url, '/metrics', { client: { enableHttp2: false } }), async (s) => {
      await assert.rejects(s.scrape(), { name: 'ScrapeHttpError', message: 'server returned HTTP status 403 Forbidden' });
    });
  });
});

describe('HttpScraper against an HTTP/1.1-only TLS server', () => {
  const srv = new TlsMetricsServer(cert, 'http1');
  before(() => srv.start());
  after(() => srv.stop());

  it('falls back to HTTP/1.1 with enable_http2 (no extra handshake), keeping the connection alive afterwards', async () => {
    srv.seen.length = 0;
    const before = srv.connections;
    await using(scraper(srv.url, '/metrics'), async (s) => {
      for (let i = 0; i < 3; i++) assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
    });
    assert.deepEqual(srv.seen.map((r) => r.httpVersion), ['1.1', '1.1', '1.1']);
    assert.equal(srv.seen[0]!.headers.accept, ACCEPT_HEADER);
    assert.equal(srv.seen[0]!.headers.host, `127.0.0.1:${srv.port}`);
    // The first scrape uses the connection ALPN was negotiated on; the agent's stays open.
    assert.equal(srv.connections - before, 2);
  });

  it('follows redirects, honours the limits and the timeout over HTTP/1.1', async () => {
    await using(scraper(srv.url, '/redirect'), async (s) => assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD));
    await using(scraper(srv.url, '/status'), async (s) => {
      await assert.rejects(s.scrape(), { message: 'server returned HTTP status 503 Service Unavailable' });
      await assert.rejects(s.scrape(), { message: 'server returned HTTP status 503 Service Unavailable' });
    });
    await using(scraper(srv.url, '/big', { bodySizeLimit: 1000 }), async (s) => {
      await assert.rejects(s.scrape(), { message: 'body size limit exceeded (limit: 1000 bytes)' });
    });
    await using(scraper(srv.url, '/hang', { timeoutMs: 200 }), async (s) => {
      await assert.rejects(s.scrape(), { message: `Get "${srv.url}/hang": context deadline exceeded` });
      await assert.rejects(s.scrape(), { message: `Get "${srv.url}/hang": context deadline exceeded` });
    });
  });

  it('works with enable_http2: false', async () => {
    srv.seen.length = 0;
    await using(scraper(srv.url, '/gzip', { client: { enableHttp2: false } }), async (s) => {
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
      assert.equal((await s.scrape()).body.toString(), TEST_PAYLOAD);
    });
    assert.deepEqual(srv.seen.map((r) => r.httpVersion), ['1.1', '1.1']);
  });
});

/**
 * A TCP proxy to `port` that can stall its open connections: bytes in either direction are
 * dropped from then on, the sockets stay open (a peer that vanished without a FIN). New
 * connections are forwarded normally.
 */
async function blackHoleProxy(port: number): Promise<{ port: number; connections(): number; stallOpenConnections(): void; close(): void }> {
  const pairs: Array<{ stalled: boolean; a: net.Socket; b: net.Socket }> = [];
  const server = net.createServer((a) => {
    const b = net.connect(port, '127.0.0.1');
    const pair = { stalled: false, a, b };
    pairs.push(pair);
    a.on('data', (d) => pair.stalled || b.write(d));
    b.on('data', (d) => pair.stalled || a.write(d));
    a.on('error', () => b.destroy());
    b.on('error', () => a.destroy());
    a.on('close', () => b.destroy());
    b.on('close', () => a.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => pairs.length,
    stallOpenConnections: () => pairs.forEach((p) => (p.stalled = true)),
    close: () => {
      for (const p of pairs) p.a.destroy();
      server.close();
    },
  };
}
