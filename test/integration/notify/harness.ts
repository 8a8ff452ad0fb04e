// Shared helpers for notifier tests: an in-memory SQLite db, a manual clock and scheduler,
// a notifier built from inline YAML, and a local HTTP receiver recording what arrives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import pino from 'pino';
import { ManualClock } from '../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { createNotifier, type Notifier, type NotifierOptions } from '../../../src/notify/notifier.ts';
import { ManualScheduler } from '../../../src/notify/scheduler.ts';
import type { Alert } from '../../../src/notify/alert.ts';

/** Monday 2026-01-05 12:00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;

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
  private server!: http.Server;
  clock: ManualClock | undefined;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
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
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export interface Harness {
  clock: ManualClock;
  scheduler: ManualScheduler;
  db: Database.Database;
  notifier: Notifier;
  /** Moves time to T0 + ms, running timers on the way. */
  at(ms: number): Promise<void>;
  push(...alerts: Partial<Alert>[]): void;
}

export const silentLogger = pino({ level: 'silent' });

export function makeHarness(yaml: string, opts: Partial<NotifierOptions> & { db?: Database.Database; clock?: ManualClock } = {}): Harness {
  const clock = opts.clock ?? new ManualClock(T0);
  const scheduler = new ManualScheduler(clock);
  const db = opts.db ?? new Database(':memory:');
  const notifier = createNotifier({ db, clock, scheduler, logger: silentLogger, externalURL: 'http://promlite.test:9090', ...opts });
  notifier.applyConfig(parseAlertmanagerConfig(yaml, 'test.yml'));
  return {
    clock,
    scheduler,
    db,
    notifier,
    at: (ms) => scheduler.advanceTo(T0 + ms),
    push: (...alerts) => {
      const r = notifier.pushAlerts(alerts.map((a) => ({ labels: {}, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '', ...a })));
      if (r.errors.length) throw new Error(r.errors.join('; '));
    },
  };
}
