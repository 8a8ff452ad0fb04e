/**
 * Sends alerts to external Alertmanagers as Prometheus's notifier does: external labels added
 * (an alert's own label wins), `alert_relabel_configs` applied, a bounded queue (oldest alerts
 * dropped when full), batches of at most 64 alerts POSTed as a JSON array to every
 * Alertmanager's `/api/v2/alerts` (or `/api/v1/alerts`), any 2xx is success. Alertmanagers come
 * from `static_configs` (after their `relabel_configs`).
 */
import http from 'node:http';
import https from 'node:https';
import { posix } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AlertingConfig, AlertmanagerConfig } from '../config/alertingConfig.ts';
import { authorizationHeader, tlsConnectionOptions } from '../config/httpClientConfig.ts';
import type { Alert } from '../notify/alert.ts';
import { relabel } from '../scrape/relabel.ts';
import { Labels, LabelsBuilder } from '../storage/labels.ts';
import { PROMETHEUS_COMPAT_VERSION, PROMLITE_VERSION } from '../version.ts';

export const MAX_BATCH_SIZE = 64;
export const DEFAULT_QUEUE_CAPACITY = 10_000;

export interface AlertmanagerSenderOptions {
  /**
   * The built-in Alertmanager (e.g. `alerts => notifier.pushAlerts(alerts)`): gets every alert
   * with external labels and alert_relabel_configs applied, like any external Alertmanager,
   * but synchronously and without queueing.
   */
  inProcess?: (alerts: Alert[]) => void;
  /** `--alertmanager.notification-queue-capacity`, default 10000. */
  queueCapacity?: number;
  registry?: Registry;
  logger?: { warn(obj: object, msg: string): void };
}

/** One resolved Alertmanager endpoint. */
interface Endpoint {
  url: string;
  config: AlertmanagerConfig;
}

/** Body of a PostableAlert, field order as go-openapi writes it. */
interface PostableAlert {
  annotations: Record<string, string>;
  endsAt?: string;
  startsAt?: string;
  generatorURL: string;
  labels: Record<string, string>;
}

export class AlertmanagerSender {
  private queue: Alert[] = [];
  private endpoints: Endpoint[] = [];
  private dropped: string[] = [];
  private externalLabels: Record<string, string> = {};
  private config: AlertingConfig = { alertRelabelConfigs: [], alertmanagers: [] };
  private draining: Promise<void> | null = null;
  private stopped = false;
  private readonly capacity: number;
  private readonly droppedTotal: Counter;
  private readonly sentTotal: Counter<'alertmanager'>;
  private readonly errorsTotal: Counter<'alertmanager'>;

  constructor(private readonly opts: AlertmanagerSenderOptions = {}) {
    this.capacity = opts.queueCapacity ?? DEFAULT_QUEUE_CAPACITY;
    const registers = [opts.registry ?? new Registry()];
    this.droppedTotal = new Counter({ name: 'prometheus_notifications_dropped_total', help: 'Total number of alerts dropped due to errors when sending to Alertmanager.', registers });
    this.sentTotal = new Counter({ name: 'prometheus_notifications_sent_total', help: 'Total number of alerts sent.', labelNames: ['alertmanager'], registers });
    this.errorsTotal = new Counter({ name: 'prometheus_notifications_errors_total', help: 'Total number of errors sending alert notifications.', labelNames: ['alertmanager'], registers });
    const self = this;
    new Gauge({ name: 'prometheus_notifications_queue_length', help: 'The number of alert notifications in the queue.', registers, collect() { this.set(self.queue.length); } });
    new Gauge({ name: 'prometheus_notifications_queue_capacity', help: 'The capacity of the alert notifications queue.', registers, collect() { this.set(self.capacity); } });
    new Gauge({ name: 'prometheus_notifications_alertmanagers_discovered', help: 'The number of alertmanagers discovered and active.', registers, collect() { this.set(self.endpoints.length); } });
  }

  /** Applies the `alerting` block and the global external labels. */
  applyConfig(alerting: AlertingConfig, externalLabels: Record<string, string> = {}): void {
    this.config = alerting;
    this.externalLabels = externalLabels;
    const endpoints: Endpoint[] = [];
    const dropped: string[] = [];
    for (const am of alerting.alertmanagers) {
      for (const sd of am.serviceDiscovery) {
        if (sd.kind !== 'static') {
          this.opts.logger?.warn({ kind: sd.kind }, 'Only static_configs are supported for Alertmanager discovery; ignoring');
          continue;
        }
        for (const group of sd.groups) {
          for (const target of group.targets) {
            const lb = new LabelsBuilder(group.labels);
            target.forEach((n, v) => lb.set(n, v));
            if (!lb.get('__scheme__')) lb.set('__scheme__', am.scheme);
            lb.set('__alerts_path__', posix.join('/', am.pathPrefix, `/api/${am.apiVersion}/alerts`));
            const relabeled = relabel(lb.labels(), am.relabelConfigs);
            const addr = target.get('__address__');
            if (!relabeled) {
              dropped.push(`${am.scheme}://${addr}${lb.get('__alerts_path__')}`);
              continue;
            }
            endpoints.push({ url: `${relabeled.get('__scheme__')}://${relabeled.get('__address__')}${relabeled.get('__alerts_path__')}`, config: am });
          }
        }
      }
    }
    this.endpoints = endpoints;
    this.dropped = dropped;
  }

  /** `data` of GET /api/v1/alertmanagers. */
  alertmanagersApiData(): { activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] } {
    return {
      activeAlertmanagers: this.endpoints.map((e) => ({ url: e.url })),
      droppedAlertmanagers: this.dropped.map((url) => ({ url })),
    };
  }

  /** Queues alerts for every Alertmanager (labels completed and relabeled first). */
  send(alerts: readonly Alert[]): void {
    if (this.stopped) return;
    const prepared: Alert[] = [];
    for (const a of alerts) {
      const lb = new LabelsBuilder(Labels.fromObject(a.labels));
      for (const [k, v] of Object.entries(this.externalLabels)) if (!lb.get(k)) lb.set(k, v);
      const l = relabel(lb.labels(), this.config.alertRelabelConfigs);
      if (l && l.size > 0) prepared.push({ ...a, labels: l.toObject() });
    }
    if (prepared.length === 0) return;
    if (this.opts.inProcess) {
      try {
        this.opts.inProcess(prepared);
      } catch (e) {
        this.opts.logger?.warn({ err: (e as Error).message }, 'Built-in notifier rejected alerts');
      }
    }
    // No external Alertmanager configured: nothing to queue, nothing dropped. (Configured but
    // none discovered: queued and counted as dropped, as Prometheus does.)
    if (this.config.alertmanagers.length === 0) return;
    this.queue.push(...prepared);
    if (this.queue.length > this.capacity) {
      const drop = this.queue.length - this.capacity;
      this.queue.splice(0, drop);
      this.droppedTotal.inc(drop);
      this.opts.logger?.warn({ count: drop }, 'Alert notification queue full, dropping alerts');
    }
    this.kick();
  }

  /** Resolves when the queue is empty and no request is in flight. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, MAX_BATCH_SIZE);
      if (this.endpoints.length === 0) {
        // Prometheus drops alerts when no Alertmanager is known.
        this.droppedTotal.inc(batch.length);
        continue;
      }
      const results = await Promise.all(this.endpoints.map((e) => this.post(e, batch)));
      if (!results.some(Boolean)) this.droppedTotal.inc(batch.length);
    }
  }

  private async post(e: Endpoint, batch: Alert[]): Promise<boolean> {
    const am = e.config;
    const alerts = batch.map((a) => {
      const l = relabel(Labels.fromObject(a.labels), am.alertRelabelConfigs);
      return l && l.size > 0 ? { ...a, labels: l.toObject() } : null;
    }).filter((a): a is Alert => a !== null);
    if (alerts.length === 0) return true;
    const body = JSON.stringify(alerts.map(toPostable));
    try {
      const status = await postJson(e.url, body, am);
      if (status < 200 || status >= 300) throw new Error(`bad response status ${status}`);
      this.sentTotal.inc({ alertmanager: e.url }, alerts.length);
      return true;
    } catch (err) {
      this.errorsTotal.inc({ alertmanager: e.url }, alerts.length);
      this.opts.logger?.warn({ alertmanager: e.url, count: alerts.length, err: (err as Error).message }, 'Error sending alerts');
      return false;
    }
  }
}

function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** The wire form of one alert, keys in go-openapi's order; unset times are left out. */
export function toPostable(a: Alert): PostableAlert {
  return {
    annotations: a.annotations,
    ...(a.endsAt ? { endsAt: isoMs(a.endsAt) } : {}),
    ...(a.startsAt ? { startsAt: isoMs(a.startsAt) } : {}),
    generatorURL: a.generatorURL,
    labels: a.labels,
  };
}

async function postJson(url: string, body: string, am: AlertmanagerConfig): Promise<number> {
  const u = new URL(url);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': `Prometheus/${PROMETHEUS_COMPAT_VERSION} (promlite ${PROMLITE_VERSION})`,
    'Content-Length': String(Buffer.byteLength(body)),
  };
  const auth = await authorizationHeader(am.http);
  if (auth) headers.Authorization = auth;
  const isHttps = u.protocol === 'https:';
  const reqOpts: https.RequestOptions = {
    method: 'POST',
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port || (isHttps ? 443 : 80),
    path: u.pathname + u.search,
    headers,
    timeout: am.timeoutMs,
  };
  if (isHttps) Object.assign(reqOpts, await tlsConnectionOptions(am.http.tls));
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(reqOpts, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${am.timeoutMs}ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
