/**
 * The notifier: promlite's built-in Alertmanager. Holds the alert store, silences,
 * notification log, retry queue and history (all in SQLite), and rebuilds the route tree,
 * inhibitor and receiver pipelines on every applyConfig. A config that fails to apply leaves
 * the running one in place.
 */
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { AlertmanagerConfig } from '../config/alertmanagerConfig.ts';
import type { Alert } from './alert.ts';
import { AlertStore, type StoredAlert } from './alertStore.ts';
import { DeliveryQueue } from './deliveryQueue.ts';
import { Dispatcher } from './dispatcher.ts';
import { fingerprint } from './fingerprint.ts';
import { NotificationHistory } from './history.ts';
import { Inhibitor } from './inhibit.ts';
import { createNotifyMetrics, type NotifyMetrics } from './metrics.ts';
import { NotificationLog } from './notificationLog.ts';
import { createNotifyTables } from './notifyDb.ts';
import type { Integration } from './receivers/types.ts';
import { buildRouteTree, type Route } from './routeTree.ts';
import { TimerScheduler, type Scheduler, type TimerHandle } from './scheduler.ts';
import { Silences } from './silences.ts';
import { dedupStage, fanoutStage, multiStage, muteStage, timeIntervalStage, type Stage } from './stages.ts';
import { isResolvedAt } from './templateData.ts';
import { createNotificationTemplater, type NotificationTemplater } from './templating.ts';

export interface NotifierOptions {
  /** promlite's SQLite handle; the notifier creates its own `notify_*` tables. */
  db: Database;
  logger: Logger;
  /** `--web.external-url`; used in payloads and links. */
  externalURL: string;
  clock?: Clock;
  registry?: Registry;
  /** Timers; tests pass a ManualScheduler. */
  scheduler?: Scheduler;
  /** Builds the template engine for a config; defaults to Alertmanager's templates + `templates:` files. */
  createTemplater?: (templateFiles: string[]) => NotificationTemplater;
  /** How long the notification log and expired silences are kept (Alertmanager --data.retention). */
  dataRetentionMs?: number;
  /** How long notification history rows are kept. */
  historyRetentionMs?: number;
  /** Retry backoff, for tests and tuning. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxPendingAgeMs?: number;
}

export interface AlertStatus {
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface PushResult {
  accepted: number;
  errors: string[];
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const GC_INTERVAL_MS = 15 * 60_000;
/** Resolved alerts stay in the store this long, so a restart can still notify their resolution. */
const RESOLVED_ALERT_RETENTION_MS = 60 * 60_000;

export class Notifier {
  readonly store: AlertStore;
  readonly silences: Silences;
  readonly history: NotificationHistory;
  readonly nflog: NotificationLog;
  readonly queue: DeliveryQueue;
  readonly metrics: NotifyMetrics;
  readonly startedAt: number;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly dataRetentionMs: number;
  private readonly historyRetentionMs: number;
  private cfg: AlertmanagerConfig | undefined;
  private dispatcher: Dispatcher | undefined;
  private routeTree: Route | undefined;
  private inhibitor: Inhibitor;
  private integrations = new Map<string, Integration>();
  private gcTimer: TimerHandle | undefined;

  constructor(private readonly o: NotifierOptions) {
    this.clock = o.clock ?? systemClock;
    this.scheduler = o.scheduler ?? new TimerScheduler(this.clock);
    this.dataRetentionMs = o.dataRetentionMs ?? 120 * 3_600_000;
    this.historyRetentionMs = o.historyRetentionMs ?? 7 * 24 * 3_600_000;
    this.startedAt = this.clock.now();
    createNotifyTables(o.db);
    const now = () => this.clock.now();
    this.store = new AlertStore(o.db);
    this.silences = new Silences(o.db, now);
    this.history = new NotificationHistory(o.db);
    this.nflog = new NotificationLog(o.db);
    this.inhibitor = new Inhibitor([], this.store, now);
    this.metrics = createNotifyMetrics(o.registry, {
      silencesByState: () => this.silences.countByState(),
      alertsByState: () => this.alertsByState(),
    });
    this.queue = new DeliveryQueue({
      db: o.db,
      clock: this.clock,
      scheduler: this.scheduler,
      nflog: this.nflog,
      history: this.history,
      metrics: this.metrics,
      logger: o.logger,
      resolveIntegration: (r, i, idx) => this.integrations.get(integrationKey(r, i, idx)),
      currentAlert: (fp) => this.store.get(fp),
      nflogRetentionMs: this.dataRetentionMs,
      initialBackoffMs: o.initialBackoffMs,
      maxBackoffMs: o.maxBackoffMs,
      maxPendingAgeMs: o.maxPendingAgeMs,
    });
    this.scheduleGc();
  }

  get config(): AlertmanagerConfig | undefined {
    return this.cfg;
  }

  get externalURL(): string {
    return this.o.externalURL;
  }

  /**
   * Switches to a new config: new route tree, inhibitor and receivers; aggregation groups are
   * rebuilt from the stored alerts (the notification log keeps them from re-notifying). Throws,
   * keeping the running config, if a receiver cannot be created.
   */
  applyConfig(cfg: AlertmanagerConfig): void {
    const templater = this.o.createTemplater ? this.o.createTemplater(cfg.templates) : createNotificationTemplater(cfg.templates, () => this.clock.now());
    const integrations = new Map<string, Integration>();
    for (const r of cfg.receivers) {
      for (const ic of r.integrations) {
        const integ = ic.kind.create(ic.config, { clock: this.clock, logger: this.o.logger, templater, externalURL: this.o.externalURL });
        integrations.set(integrationKey(r.name, ic.kind.name, ic.index), integ);
      }
    }
    const tree = buildRouteTree(cfg.route);
    const first = this.cfg === undefined;
    this.dispatcher?.stop();
    this.cfg = cfg;
    this.routeTree = tree;
    this.integrations = integrations;
    this.inhibitor = new Inhibitor(cfg.inhibitRules, this.store, () => this.clock.now());
    const pipelines = this.buildPipelines(cfg);
    this.dispatcher = new Dispatcher({ route: tree, clock: this.clock, scheduler: this.scheduler, logger: this.o.logger, pipeline: (r) => pipelines.get(r) });
    if (first) this.queue.start();
    this.dispatcher.process(this.store.list());
  }

  private buildPipelines(cfg: AlertmanagerConfig): Map<string, Stage> {
    const out = new Map<string, Stage>();
    for (const r of cfg.receivers) {
      const perIntegration = r.integrations.map((ic) => {
        const integ = this.integrations.get(integrationKey(r.name, ic.kind.name, ic.index))!;
        const key = (ctx: { groupKey: string }) => ({ groupKey: ctx.groupKey, receiver: r.name, integration: ic.kind.name, idx: ic.index });
        const retry: Stage = {
          exec: async (ctx, alerts) => {
            await this.queue.submit({ ...key(ctx), groupLabels: ctx.groupLabels, alerts });
            return alerts;
          },
        };
        // Wait for an attempt still in flight for this group (e.g. a retry resumed after a
        // restart), so dedup sees whether it went through.
        const idle: Stage = {
          exec: async (ctx, alerts) => {
            await this.queue.idle(key(ctx));
            return alerts;
          },
        };
        return multiStage(idle, dedupStage(this.nflog, key, integ.sendResolved), retry);
      });
      out.set(
        r.name,
        multiStage(
          muteStage(this.inhibitor),
          timeIntervalStage(cfg.timeIntervals),
          muteStage(this.silences),
          fanoutStage(...perIntegration),
        ),
      );
    }
    return out;
  }

  /**
   * Accepts alerts from rules or from POST /api/v2/alerts with Alertmanager's defaults: no
   * startsAt → now (or endsAt), no endsAt → now + resolve_timeout. Invalid alerts are reported
   * and skipped; the valid ones are stored.
   */
  pushAlerts(alerts: readonly Alert[]): PushResult {
    const now = this.clock.now();
    const resolveTimeout = this.cfg?.global.resolveTimeoutMs ?? 300_000;
    const valid: StoredAlert[] = [];
    const errors: string[] = [];
    for (const a of alerts) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(a.labels ?? {})) if (v !== '') labels[k] = v;
      let startsAt = a.startsAt > 0 ? a.startsAt : 0;
      let endsAt = a.endsAt > 0 ? a.endsAt : 0;
      if (startsAt === 0) startsAt = endsAt > 0 ? endsAt : now;
      const timeout = endsAt === 0;
      if (timeout) endsAt = now + resolveTimeout;
      const err = validateAlert(labels, a.annotations ?? {}, startsAt, endsAt);
      if (err) {
        errors.push(err);
        continue;
      }
      valid.push({ fingerprint: fingerprint(labels), labels, annotations: { ...(a.annotations ?? {}) }, startsAt, endsAt, generatorURL: a.generatorURL ?? '', updatedAt: now, timeout });
    }
    if (valid.length > 0) {
      const stored = this.store.put(valid, now);
      this.dispatcher?.process(stored);
    }
    return { accepted: valid.length, errors };
  }

  /** Whether the alert is silenced or inhibited right now, and by what. */
  alertStatus(labels: Record<string, string>): AlertStatus {
    const silencedBy = this.silences.mutedBy(labels);
    const inhibitedBy = this.inhibitor.inhibitedBy(labels);
    return { state: silencedBy.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active', silencedBy, inhibitedBy };
  }

  /** Receivers the route tree sends these labels to, deduplicated in tree order. */
  receiversFor(labels: Record<string, string>): string[] {
    if (!this.routeTree) return [];
    return [...new Set(this.routeTree.match(labels).map((r) => r.opts.receiver))];
  }

  /** Receivers of every matching route, duplicates kept (what the API shows per alert). */
  routedReceivers(labels: Record<string, string>): string[] {
    return this.routeTree ? this.routeTree.match(labels).map((r) => r.opts.receiver) : [];
  }

  receiverNames(): string[] {
    return this.cfg?.receivers.map((r) => r.name) ?? [];
  }

  /** Alerts that are not resolved, sorted by fingerprint. */
  activeAlerts(): StoredAlert[] {
    const now = this.clock.now();
    return this.store
      .list()
      .filter((a) => !isResolvedAt(a, now))
      .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  }

  alertGroups() {
    return this.dispatcher?.listGroups() ?? [];
  }

  now(): number {
    return this.clock.now();
  }

  private alertsByState(): Record<string, number> {
    const c: Record<string, number> = { active: 0, suppressed: 0, unprocessed: 0 };
    for (const a of this.activeAlerts()) c[this.alertStatus(a.labels).state]++;
    return c;
  }

  /** Runs the periodic clean-up now (also scheduled every 15 minutes). */
  gc(): void {
    const now = this.clock.now();
    this.store.gc(now - RESOLVED_ALERT_RETENTION_MS);
    this.nflog.gc(now);
    this.silences.gc(now - this.dataRetentionMs);
    this.history.gc(now - this.historyRetentionMs);
  }

  private scheduleGc(): void {
    this.gcTimer = this.scheduler.at(this.clock.now() + GC_INTERVAL_MS, () => {
      try {
        this.gc();
      } catch (e) {
        this.o.logger.error({ err: (e as Error).message }, 'notifier gc failed');
      }
      this.scheduleGc();
    });
  }

  stop(): void {
    this.gcTimer?.cancel();
    this.dispatcher?.stop();
    this.queue.stop();
  }
}

function integrationKey(receiver: string, integration: string, idx: number): string {
  return `${receiver}\u0000${integration}\u0000${idx}`;
}

/** Alertmanager's Alert.Validate messages. */
function validateAlert(labels: Record<string, string>, annotations: Record<string, string>, startsAt: number, endsAt: number): string | undefined {
  if (!Number.isFinite(startsAt) || startsAt <= 0) return 'start time missing';
  if (endsAt > 0 && endsAt < startsAt) return 'start time must be before end time';
  for (const n of Object.keys(labels)) if (!LABEL_NAME_RE.test(n)) return `invalid label set: invalid name "${n}"`;
  if (Object.keys(labels).length === 0) return 'at least one label pair required';
  for (const n of Object.keys(annotations)) if (!LABEL_NAME_RE.test(n)) return `invalid annotations: invalid name "${n}"`;
  return undefined;
}

export function createNotifier(o: NotifierOptions): Notifier {
  return new Notifier(o);
}
