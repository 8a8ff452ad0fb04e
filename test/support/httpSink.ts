/** Local HTTP servers on 127.0.0.1 for tests: a bare handler, and a sink that records POSTs. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Clock } from '../../src/clock.ts';

export interface LocalServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Serves `handler` on a free port of 127.0.0.1. */
export async function listenLocal(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface Received {
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A local HTTP server that records POSTs; `status` decides the answer (default 200). */
export class HttpSink {
  readonly received: Received[] = [];
  status: (req: http.IncomingMessage) => number = () => 200;
  /** The body of a 2xx answer (default `ok`). */
  replyBody: (req: http.IncomingMessage) => string = () => 'ok';
  /** Stamps `Received.at` (default: wall-clock time). */
  clock: Clock | undefined;
  /** Base URL, set by start(). */
  url = '';
  private local!: LocalServer;
  private starting: Promise<string> | undefined;

  /** A sink started before the file's tests and stopped after them. */
  static aroundTests(): HttpSink {
    const sink = new HttpSink();
    before(() => sink.start());
    after(() => sink.stop());
    return sink;
  }

  /** Starts listening; while started, further calls give the same URL (a hook may await it). */
  start(): Promise<string> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<string> {
    this.local = await listenLocal((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const code = this.status(req);
        const text = Buffer.concat(chunks).toString('utf8');
        if (code >= 200 && code < 300) {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          this.received.push({ at: this.clock?.now() ?? Date.now(), path: req.url ?? '', headers: req.headers, body });
        }
        res.writeHead(code, { 'Content-Type': 'text/plain' });
        res.end(code >= 300 ? `error ${code}` : this.replyBody(req));
      });
    });
    this.url = this.local.url;
    return this.url;
  }

  /** The listening server (e.g. for a CONNECT handler), once start() has resolved. */
  get server(): http.Server {
    return this.local.server;
  }

  clear(): void {
    this.received.length = 0;
  }

  stop(): Promise<void> {
    this.starting = undefined;
    return this.local.close();
  }
}
