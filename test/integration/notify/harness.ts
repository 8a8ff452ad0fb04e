// Shared helpers for notifier tests: an in-memory SQLite db, a manual clock and scheduler,
// a notifier built from inline YAML, and promlite's Alertmanager API v2 served over HTTP.
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pino from 'pino';
import alertmanagerV2Routes from '../../../src/api/alertmanagerV2/index.ts';
import { ManualClock } from '../../../src/clock.ts';
import { parseAlertmanagerConfig } from '../../../src/config/alertmanagerConfig.ts';
import { createNotifier, type Notifier, type NotifierOptions } from '../../../src/notify/notifier.ts';
import { ManualScheduler } from '../../../src/notify/scheduler.ts';
import type { Alert } from '../../../src/notify/alert.ts';

// The recording HTTP receiver lives in test/support; notifier tests import it from here too.
export { HttpSink, type Received } from '../../support/httpSink.ts';

/** Monday 2026-01-05 12:00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;

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

export interface AlertmanagerApiServer {
  url: string;
  port: number;
  notifier: Notifier;
  close(): Promise<void>;
}

/** A real-time notifier on `yaml`, with promlite's Alertmanager API v2 on a free port of 127.0.0.1. */
export async function serveAlertmanagerApi(yaml: string, externalURL: string): Promise<AlertmanagerApiServer> {
  const notifier = createNotifier({ db: new Database(':memory:'), logger: silentLogger, externalURL });
  notifier.applyConfig(parseAlertmanagerConfig(yaml, 'am.yml'));
  const app = Fastify();
  await app.register(alertmanagerV2Routes, { prefix: '/api/v2', notifier });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    notifier,
    close: async () => {
      notifier.stop();
      await app.close();
    },
  };
}
