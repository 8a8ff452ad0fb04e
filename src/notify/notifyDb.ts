/**
 * The notifier's own tables in promlite's SQLite file (DESIGN: modules keep their own tables).
 * Everything that must survive a restart lives here: alerts, silences, the notification log,
 * pending notifications (the retry queue) and the notification history.
 */
import type { Database } from 'better-sqlite3';

export function createNotifyTables(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS notify_alerts (
      fingerprint TEXT PRIMARY KEY,
      labels TEXT NOT NULL,
      annotations TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      timeout INTEGER NOT NULL,
      generator_url TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS notify_silences (
      id TEXT PRIMARY KEY,
      matchers TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      comment TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS notify_nflog (
      group_key TEXT NOT NULL,
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      idx INTEGER NOT NULL,
      firing TEXT NOT NULL,
      resolved TEXT NOT NULL,
      ts INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (group_key, receiver, integration, idx)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS notify_pending (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      group_key TEXT NOT NULL,
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      idx INTEGER NOT NULL,
      payload TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT NOT NULL DEFAULT '',
      UNIQUE (group_key, receiver, integration, idx)
    );
    CREATE TABLE IF NOT EXISTS notify_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ts INTEGER NOT NULL,
      receiver TEXT NOT NULL,
      integration TEXT NOT NULL,
      idx INTEGER NOT NULL,
      group_key TEXT NOT NULL,
      status TEXT NOT NULL,
      alerts TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      error TEXT NOT NULL,
      duration_ms REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS notify_history_ts ON notify_history (ts);
  `);
}
