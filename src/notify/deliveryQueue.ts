/**
 * The retry stage's backing store: at-least-once delivery with exponential backoff, persisted
 * in SQLite so that neither a receiver outage nor a restart loses a notification.
 *
 * A notification is written to `notify_pending` before the first attempt and removed (with the
 * notification log updated in the same transaction) only after a receiver accepted it. A newer
 * notification for the same group and integration replaces an older pending one: it carries
 * the group's current state. Receivers never retry; this queue decides, from ReceiverError.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { StoredAlert } from './alertStore.ts';
import type { NotificationHistory } from './history.ts';
import type { NotificationLog, NflogKey } from './notificationLog.ts';
import type { NotifyMetrics } from './metrics.ts';
import type { Integration } from './receivers/types.ts';
import { ReceiverError } from './receivers/types.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import { splitByStatus } from './stages.ts';
import { isResolvedAt } from './templateData.ts';

export interface PendingNotification extends NflogKey {
  groupLabels: Record<string, string>;
  /** Every alert of the flush (after muting); what is sent is decided per attempt. */
  alerts: StoredAlert[];
}

export interface DeliveryQueueOptions {
  db: Database;
  clock: Clock;
  scheduler: Scheduler;
  nflog: NotificationLog;
  history: NotificationHistory;
  metrics: NotifyMetrics;
  logger: Logger;
  /** The integration currently configured under this key, if any. */
  resolveIntegration(receiver: string, integration: string, idx: number): Integration | undefined;
  /** The freshest copy of an alert (its end time moves while Prometheus keeps sending it). */
  currentAlert(fingerprint: string): StoredAlert | undefined;
  nflogRetentionMs: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A notification still undelivered after this long is dropped (recorded as failed). */
  maxPendingAgeMs?: number;
}

interface Row {
  id: number;
  group_key: string;
  receiver: string;
  integration: string;
  idx: number;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
}

const HISTORY_ALERTS = 100;

function keyOf(k: NflogKey): string {
  return JSON.stringify([k.groupKey, k.receiver, k.integration, k.idx]);
}

export class DeliveryQueue {
  private readonly timers = new Map<string, TimerHandle>();
  /** Attempts in flight per group/integration key, so a new flush can wait for them. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly insertStmt: Statement;
  private readonly byIdStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly updateStmt: Statement;
  private stopped = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxPendingAgeMs: number;

  constructor(private readonly o: DeliveryQueueOptions) {
    const db = o.db;
    this.insertStmt = db.prepare(
      `INSERT OR REPLACE INTO notify_pending (group_key, receiver, integration, idx, payload, created_at, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
    );
    this.byIdStmt = db.prepare('SELECT * FROM notify_pending WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM notify_pending WHERE id = ?');
    this.updateStmt = db.prepare('UPDATE notify_pending SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?');
    this.initialBackoffMs = o.initialBackoffMs ?? 1000;
    this.maxBackoffMs = o.maxBackoffMs ?? 60_000;
    this.maxPendingAgeMs = o.maxPendingAgeMs ?? 24 * 3_600_000;
  }

  /** Re-arms everything left pending by a previous run. */
  start(): void {
    const rows = this.o.db.prepare('SELECT * FROM notify_pending ORDER BY id').all() as Row[];
    for (const r of rows) this.arm(r, r.next_attempt_at);
    if (rows.length > 0) this.o.logger.info({ pending: rows.length }, 'resuming pending notifications');
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** Resolves once no attempt for this key is in flight (the dedup stage then sees its result). */
  async idle(k: NflogKey): Promise<void> {
    const key = keyOf(k);
    for (let p = this.inFlight.get(key); p; p = this.inFlight.get(key)) await p.catch(() => {});
  }

  /** Notifications not delivered yet, oldest first (for the API and the UI). */
  listPending(): { groupKey: string; receiver: string; integration: string; integrationIndex: number; createdAt: number; attempts: number; nextAttemptAt: number; lastError: string }[] {
    const rows = this.o.db.prepare('SELECT * FROM notify_pending ORDER BY id').all() as (Row & { last_error: string })[];
    return rows.map((r) => ({
      groupKey: r.group_key,
      receiver: r.receiver,
      integration: r.integration,
      integrationIndex: r.idx,
      createdAt: r.created_at,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
    }));
  }

  pendingCount(): number {
    return (this.o.db.prepare('SELECT count(*) AS n FROM notify_pending').get() as { n: number }).n;
  }

  /**
   * Persists the notification and makes the first attempt; later attempts run on timers.
   * Throws when the receiver refused it permanently, so the group keeps its resolved alerts
   * and the next flush tries again (as Alertmanager does).
   */
  async submit(n: PendingNotification): Promise<void> {
    const now = this.o.clock.now();
    const payload = JSON.stringify({ groupLabels: n.groupLabels, alerts: n.alerts });
    const id = Number(this.insertStmt.run(n.groupKey, n.receiver, n.integration, n.idx, payload, now, now).lastInsertRowid);
    this.timers.get(keyOf(n))?.cancel();
    this.timers.delete(keyOf(n));
    const permanent = await this.attempt(id);
    if (permanent) throw permanent;
  }

  private arm(r: Row, at: number): void {
    const k = keyOf({ groupKey: r.group_key, receiver: r.receiver, integration: r.integration, idx: r.idx });
    this.timers.get(k)?.cancel();
    this.timers.set(k, this.o.scheduler.at(at, async () => void (await this.attempt(r.id))));
  }

  private backoff(attempts: number): number {
    return Math.min(this.initialBackoffMs * 2 ** Math.max(0, attempts - 1), this.maxBackoffMs);
  }

  private async attempt(id: number): Promise<ReceiverError | undefined> {
    if (this.stopped) return undefined;
    const row = this.byIdStmt.get(id) as Row | undefined;
    if (!row) return undefined;
    const key = keyOf({ groupKey: row.group_key, receiver: row.receiver, integration: row.integration, idx: row.idx });
    const p = this.attemptRow(id, row);
    this.inFlight.set(key, p);
    try {
      return await p;
    } finally {
      if (this.inFlight.get(key) === p) this.inFlight.delete(key);
    }
  }

  private async attemptRow(id: number, row: Row): Promise<ReceiverError | undefined> {
    const key: NflogKey = { groupKey: row.group_key, receiver: row.receiver, integration: row.integration, idx: row.idx };
    const payload = JSON.parse(row.payload) as { groupLabels: Record<string, string>; alerts: StoredAlert[] };
    const now = this.o.clock.now();
    const alerts = payload.alerts.map((a) => this.o.currentAlert(a.fingerprint) ?? a);
    const { firing, resolved } = splitByStatus(alerts, now);
    const attemptNo = row.attempts + 1;
    // History keeps at most HISTORY_ALERTS alerts per attempt; alertCount has the real number.
    const summary = alerts.slice(0, HISTORY_ALERTS).map((a) => ({ fingerprint: a.fingerprint, status: isResolvedAt(a, now) ? ('resolved' as const) : ('firing' as const), labels: a.labels }));
    const record = (status: 'success' | 'retry' | 'failed', error: string, durationMs: number) =>
      this.o.history.record({ time: this.o.clock.now(), receiver: row.receiver, integration: row.integration, integrationIndex: row.idx, groupKey: row.group_key, status, alerts: summary, alertCount: alerts.length, attempt: attemptNo, error, durationMs });

    const integration = this.o.resolveIntegration(row.receiver, row.integration, row.idx);
    if (!integration) {
      this.deleteStmt.run(id);
      record('failed', `receiver "${row.receiver}" has no ${row.integration}[${row.idx}] integration any more`, 0);
      return undefined;
    }
    const sent = integration.sendResolved ? alerts : alerts.filter((a) => !isResolvedAt(a, now));
    const succeed = (durationMs: number, recordIt: boolean) => {
      this.o.db.transaction(() => {
        if (this.deleteStmt.run(id).changes === 1) this.o.nflog.log(key, firing, resolved, this.o.clock.now(), this.o.nflogRetentionMs);
        if (recordIt) record('success', '', durationMs);
      })();
    };
    if (sent.length === 0) {
      // Only resolved alerts and send_resolved off: nothing to send, but the log must learn it.
      succeed(0, false);
      return undefined;
    }
    const ctx = { groupKey: row.group_key, receiverName: row.receiver, groupLabels: payload.groupLabels, now, repeatIntervalMs: 0, muteTimeIntervals: [], activeTimeIntervals: [] };
    const started = performance.now();
    this.o.metrics.notificationsTotal.inc({ receiver: row.receiver, integration: row.integration });
    try {
      await integration.notify(ctx, sent);
      const ms = performance.now() - started;
      this.o.metrics.latency.observe({ integration: row.integration }, ms / 1000);
      succeed(ms, true);
      return undefined;
    } catch (e) {
      const ms = performance.now() - started;
      this.o.metrics.latency.observe({ integration: row.integration }, ms / 1000);
      const err = e instanceof ReceiverError ? e : new ReceiverError((e as Error)?.message ?? String(e), false, 'other');
      this.o.metrics.notificationsFailed.inc({ receiver: row.receiver, integration: row.integration, reason: err.reason });
      // Shutting down: leave the row pending; the next start resumes it.
      if (this.stopped) return undefined;
      const after = this.o.clock.now();
      const tooOld = after - row.created_at >= this.maxPendingAgeMs;
      if (err.retryable && !tooOld) {
        const next = after + this.backoff(attemptNo);
        if (this.byIdStmt.get(id)) {
          this.updateStmt.run(attemptNo, next, err.message, id);
          record('retry', err.message, ms);
          this.arm({ ...row, attempts: attemptNo }, next);
        }
        this.o.logger.warn({ receiver: row.receiver, integration: row.integration, attempt: attemptNo, err: err.message }, 'notify failed, will retry');
        return undefined;
      } else {
        this.deleteStmt.run(id);
        record('failed', err.message, ms);
        this.o.logger.error({ receiver: row.receiver, integration: row.integration, attempt: attemptNo, err: err.message }, 'notify failed permanently');
        return err;
      }
    }
  }
}
