/**
 * The notification log (Alertmanager `nflog`): per group, receiver and integration, which
 * alerts were firing and resolved at the last successful notification. The dedup stage reads
 * it; it is written only after a delivery succeeded, so a restart never resends what was sent.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface NflogKey {
  groupKey: string;
  receiver: string;
  integration: string;
  idx: number;
}

export interface NflogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  timestamp: number;
}

export class NotificationLog {
  private readonly selectStmt: Statement;
  private readonly upsertStmt: Statement;
  private readonly gcStmt: Statement;

  constructor(db: Database) {
    this.selectStmt = db.prepare('SELECT firing, resolved, ts FROM notify_nflog WHERE group_key = ? AND receiver = ? AND integration = ? AND idx = ?');
    this.upsertStmt = db.prepare(
      'INSERT OR REPLACE INTO notify_nflog (group_key, receiver, integration, idx, firing, resolved, ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.gcStmt = db.prepare('DELETE FROM notify_nflog WHERE expires_at < ?');
  }

  query(k: NflogKey): NflogEntry | undefined {
    const r = this.selectStmt.get(k.groupKey, k.receiver, k.integration, k.idx) as { firing: string; resolved: string; ts: number } | undefined;
    if (!r) return undefined;
    return { firing: new Set(JSON.parse(r.firing)), resolved: new Set(JSON.parse(r.resolved)), timestamp: r.ts };
  }

  log(k: NflogKey, firing: readonly string[], resolved: readonly string[], now: number, retentionMs: number): void {
    this.upsertStmt.run(k.groupKey, k.receiver, k.integration, k.idx, JSON.stringify(firing), JSON.stringify(resolved), now, now + retentionMs);
  }

  gc(now: number): number {
    return this.gcStmt.run(now).changes;
  }
}
