/**
 * Admin API (only with --web.enable-admin-api; otherwise 500 "admin APIs disabled" as
 * Prometheus answers): snapshot (online SQLite backup), delete_series, clean_tombstones.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '../../storage/matcher.ts';
import { badData, sendError, sendResult } from '../respond.ts';
import { MAX_TIME_MS, MIN_TIME_MS, requestParams, timeParam } from '../params.ts';

export interface AdminStore {
  /** Writes a consistent copy of the database to `file`. */
  backup(file: string): Promise<void> | void;
  deleteSeries(matchers: Matcher[], mint: number, maxt: number): void;
  /** Reclaims space after deletions. */
  cleanTombstones(): void;
}

export interface AdminOptions {
  enabled: boolean;
  store: AdminStore;
  /** Directory snapshots are written to (`<data>/snapshots`). */
  snapshotDir: string;
  parseSelector: (s: string) => Matcher[];
  now: () => number;
}

/** Snapshot name in Prometheus's style: 20261122T180545Z-415f674ecbb5e676. */
export function snapshotName(now: number): string {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${iso}-${randomBytes(8).toString('hex')}`;
}

export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const guard =
    (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
      if (!opts.enabled) return sendError(reply, 'unavailable', 'admin APIs disabled');
      return fn(req, reply);
    };

  app.route({
    method: ['POST', 'PUT'],
    url: '/admin/tsdb/snapshot',
    handler: guard(async (_req, reply) => {
      const name = snapshotName(opts.now());
      const dir = join(opts.snapshotDir, name);
      mkdirSync(dir, { recursive: true });
      await opts.store.backup(join(dir, 'promlite.db'));
      return sendResult(reply, { data: { name } });
    }),
  });

  app.route({
    method: ['POST', 'PUT'],
    url: '/admin/tsdb/delete_series',
    handler: guard(async (req, reply) => {
      const p = requestParams(req);
      const sels = p.get('match[]') ?? [];
      if (sels.length === 0) throw badData('no match[] parameter provided');
      const start = timeParam(p, 'start', MIN_TIME_MS);
      const end = timeParam(p, 'end', MAX_TIME_MS);
      const sets = sels.map((s) => {
        try {
          return opts.parseSelector(s);
        } catch (e) {
          throw badData((e as Error).message);
        }
      });
      for (const ms of sets) opts.store.deleteSeries(ms, start, end);
      return reply.code(204).send();
    }),
  });

  app.route({
    method: ['POST', 'PUT'],
    url: '/admin/tsdb/clean_tombstones',
    handler: guard(async (_req, reply) => {
      opts.store.cleanTombstones();
      return reply.code(204).send();
    }),
  });
}
