/**
 * All alerts the notifier knows, keyed by fingerprint, merged the way Alertmanager merges
 * alerts from several Prometheus servers, and written through to SQLite so a restart keeps them.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { NotifyAlert } from './templateData.ts';
import { isResolvedAt } from './templateData.ts';

export interface StoredAlert extends NotifyAlert {
  updatedAt: number;
  /** endsAt was filled in from resolve_timeout, not sent by the client. */
  timeout: boolean;
}

/** Alertmanager's types.Alert.Merge: `b` is the newer alert. */
export function mergeAlerts(a: StoredAlert, b: StoredAlert, now: number): StoredAlert {
  if (b.updatedAt < a.updatedAt) return mergeAlerts(b, a, now);
  const res: StoredAlert = { ...b };
  if (a.startsAt < b.startsAt) res.startsAt = a.startsAt;
  if (isResolvedAt(b, now)) {
    if (isResolvedAt(a, now) && a.endsAt > b.endsAt) res.endsAt = a.endsAt;
  } else if (a.endsAt > b.endsAt && !a.timeout) {
    res.endsAt = a.endsAt;
  }
  return res;
}

export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  /** Bumped on every change, so derived indexes (the inhibitor's) know when to rebuild. */
  version = 0;
  private readonly upsert: Statement;
  private readonly remove: Statement;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT OR REPLACE INTO notify_alerts (fingerprint, labels, annotations, starts_at, ends_at, updated_at, timeout, generator_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.remove = db.prepare('DELETE FROM notify_alerts WHERE fingerprint = ?');
    for (const r of db.prepare('SELECT * FROM notify_alerts').all() as Record<string, any>[]) {
      this.alerts.set(r.fingerprint, {
        fingerprint: r.fingerprint,
        labels: JSON.parse(r.labels),
        annotations: JSON.parse(r.annotations),
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        updatedAt: r.updated_at,
        timeout: r.timeout === 1,
        generatorURL: r.generator_url,
      });
    }
  }

  /** Merges and stores the alerts; returns the stored (merged) versions. */
  put(alerts: readonly StoredAlert[], now: number): StoredAlert[] {
    const out: StoredAlert[] = [];
    this.version++;
    const tx = this.db.transaction(() => {
      for (const alert of alerts) {
        let a = alert;
        const old = this.alerts.get(a.fingerprint);
        // Merge when the activity ranges overlap; otherwise the new alert starts over.
        if (old && ((a.endsAt > old.startsAt && a.endsAt < old.endsAt) || (a.startsAt > old.startsAt && a.startsAt < old.endsAt) || (old.endsAt === 0))) {
          a = mergeAlerts(old, a, now);
        }
        this.alerts.set(a.fingerprint, a);
        this.upsert.run(a.fingerprint, JSON.stringify(a.labels), JSON.stringify(a.annotations), a.startsAt, a.endsAt, a.updatedAt, a.timeout ? 1 : 0, a.generatorURL);
        out.push(a);
      }
    });
    tx();
    return out;
  }

  get(fp: string): StoredAlert | undefined {
    return this.alerts.get(fp);
  }

  list(): StoredAlert[] {
    return [...this.alerts.values()];
  }

  /** Deletes alerts resolved before `before`; returns their fingerprints. */
  gc(before: number): string[] {
    const gone: string[] = [];
    this.version++;
    const tx = this.db.transaction(() => {
      for (const [fp, a] of this.alerts) {
        if (a.endsAt > 0 && a.endsAt < before) {
          this.alerts.delete(fp);
          this.remove.run(fp);
          gone.push(fp);
        }
      }
    });
    tx();
    return gone;
  }
}
