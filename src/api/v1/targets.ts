/**
 * /api/v1/targets, /api/v1/scrape_pools, /api/v1/metadata, /api/v1/targets/metadata: the scrape
 * side's state in Prometheus 2.42's shapes (research/api-compat.md §2.2, §2.3).
 */
import type { FastifyInstance } from 'fastify';
import type { Labels } from '../../storage/labels.ts';
import type { Matcher } from '../../storage/matcher.ts';
import { formatDuration } from '../../config/duration.ts';
import { badData, sendResult } from '../respond.ts';
import { first, requestParams } from '../params.ts';

export interface TargetView {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastScrape: number;
  lastScrapeDuration: number;
  lastError: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
}

export interface MetadataEntry {
  type: string;
  help: string;
  unit: string;
}

/** What the routes need from the scrape manager. */
export interface TargetSource {
  targets(): { active: TargetView[]; dropped: Array<{ discoveredLabels: Labels; scrapePool: string }> };
  scrapePools(): string[];
  metadata(metric?: string, limit?: number): Record<string, MetadataEntry[]>;
  targetMetadata(matchTarget: (labels: Labels) => boolean, metric?: string): Array<{ target: Labels; metric: string } & MetadataEntry>;
}

export interface TargetRoutesOptions {
  targets: TargetSource;
  /** --web.external-url, for globalUrl. */
  externalUrl: string;
  parseSelector: (s: string) => Matcher[];
}

/** Go's time.Time RFC3339Nano for a ms timestamp; the zero time when never scraped. */
function rfc3339(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : '0001-01-01T00:00:00Z';
}

function intParam(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badData(`invalid parameter "${name}": ${JSON.stringify(v)} is not an integer`);
  return n;
}

export async function targetRoutes(app: FastifyInstance, opts: TargetRoutesOptions): Promise<void> {
  const globalUrl = (scrapeUrl: string): string => {
    if (!opts.externalUrl) return scrapeUrl;
    try {
      const u = new URL(scrapeUrl);
      const ext = new URL(opts.externalUrl);
      if (u.hostname === 'localhost' || u.hostname === '127.0.0.1') u.hostname = ext.hostname;
      return u.href;
    } catch {
      return scrapeUrl;
    }
  };

  app.get('/targets', async (req, reply) => {
    const p = requestParams(req);
    const state = first(p, 'state') ?? 'any';
    const pool = first(p, 'scrapePool');
    const all = opts.targets.targets();
    const active = all.active
      .filter((t) => !pool || t.scrapePool === pool)
      .map((t) => ({
        discoveredLabels: t.discoveredLabels.toObject(),
        labels: t.labels.toObject(),
        scrapePool: t.scrapePool,
        scrapeUrl: t.scrapeUrl,
        globalUrl: globalUrl(t.scrapeUrl),
        lastError: t.lastError,
        lastScrape: rfc3339(t.lastScrape),
        lastScrapeDuration: t.lastScrapeDuration,
        health: t.health,
        scrapeInterval: formatDuration(t.scrapeIntervalMs),
        scrapeTimeout: formatDuration(t.scrapeTimeoutMs),
      }));
    const dropped = all.dropped.filter((t) => !pool || t.scrapePool === pool).map((t) => ({ discoveredLabels: t.discoveredLabels.toObject() }));
    const s = state.toLowerCase();
    return sendResult(reply, {
      data: {
        activeTargets: s === 'dropped' ? [] : active,
        droppedTargets: s === 'active' ? [] : dropped,
      },
    });
  });

  app.get('/scrape_pools', async (_req, reply) => sendResult(reply, { data: { scrapePools: opts.targets.scrapePools() } }));

  app.get('/metadata', async (req, reply) => {
    const p = requestParams(req);
    const limit = intParam(first(p, 'limit'), 'limit');
    const perMetric = intParam(first(p, 'limit_per_metric'), 'limit_per_metric');
    const md = opts.targets.metadata(first(p, 'metric'), limit !== undefined && limit >= 0 ? limit : undefined);
    if (perMetric !== undefined && perMetric > 0) for (const k of Object.keys(md)) md[k] = md[k].slice(0, perMetric);
    return sendResult(reply, { data: md });
  });

  app.get('/targets/metadata', async (req, reply) => {
    const p = requestParams(req);
    const matchTarget = first(p, 'match_target');
    let matchers: Matcher[] = [];
    if (matchTarget) {
      try {
        matchers = opts.parseSelector(matchTarget);
      } catch (e) {
        throw badData(`invalid parameter "match_target": ${(e as Error).message}`);
      }
    }
    const metric = first(p, 'metric');
    const limit = intParam(first(p, 'limit'), 'limit');
    let rows = opts.targets.targetMetadata((l) => matchers.every((m) => m.matches(l.get(m.name))), metric);
    if (limit !== undefined && limit >= 0) rows = rows.slice(0, limit);
    return sendResult(reply, {
      data: rows.map((r) => {
        const row: Record<string, unknown> = { target: r.target.toObject(), type: r.type, help: r.help, unit: r.unit };
        if (!metric) row.metric = r.metric;
        return row;
      }),
    });
  });
}
