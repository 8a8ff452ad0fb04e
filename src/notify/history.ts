/**
 * Notification history: one row per delivery attempt (receiver, integration, group, alerts,
 * result, error, time), kept for a configurable time and served as JSON by
 * `GET /api/v2/notifications/history`.
 */
import type { Database, Statement } from 'better-sqlite3';

export type AttemptStatus = 'success' | 'retry' | 'failed';

export interface HistoryEntry {
  id: number;
  time: number;
  receiver: string;
  integration: string;
  integrationIndex: number;
  groupKey: string;
  status: AttemptStatus;
  /** The first alerts of the notification (at most 100). */
  alerts: { fingerprint: string; status: 'firing' | 'resolved'; labels: Record<string, string> }[];
  alertCount: number;
  attempt: number;
  error: string;
  durationMs: number;
}

export interface HistoryQuery {
  limit?: number;
  receiver?: string;
  status?: AttemptStatus;
  since?: number;
}

export class NotificationHistory {
  private readonly insertStmt: Statement;
  private readonly gcStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO notify_history (ts, receiver, integration, idx, group_key, status, alerts, attempt, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.gcStmt = db.prepare('DELETE FROM notify_history WHERE ts < ?');
  }

  record(e: Omit<HistoryEntry, 'id'>): void {
    this.insertStmt.run(e.time, e.receiver, e.integration, e.integrationIndex, e.groupKey, e.status, JSON.stringify({ alerts: e.alerts, count: e.alertCount }), e.attempt, e.error, e.durationMs);
  }

  /** Newest first. */
  list(q: HistoryQuery = {}): HistoryEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.receiver !== undefined) {
      where.push('receiver = ?');
      args.push(q.receiver);
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.since !== undefined) {
      where.push('ts >= ?');
      args.push(q.since);
    }
    const sql = `SELECT * FROM notify_history ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    args.push(Math.min(Math.max(q.limit ?? 100, 1), 10_000));
    return (this.db.prepare(sql).all(...args) as Record<string, any>[]).map((r) => {
      const stored = JSON.parse(r.alerts) as { alerts: HistoryEntry['alerts']; count: number };
      return {
        id: r.id,
        time: r.ts,
        receiver: r.receiver,
        integration: r.integration,
        integrationIndex: r.idx,
        groupKey: r.group_key,
        status: r.status,
        alerts: stored.alerts,
        alertCount: stored.count,
        attempt: r.attempt,
        error: r.error,
        durationMs: r.duration_ms,
      };
    });
  }

  gc(before: number): number {
    return this.gcStmt.run(before).changes;
  }
}
