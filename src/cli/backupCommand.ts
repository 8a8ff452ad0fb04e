/**
 * `promlite backup DATA_DIR OUT_FILE`: a consistent copy of a live or stopped database via
 * SQLite's VACUUM INTO (safe while a server writes to it: WAL readers see a snapshot).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './serveFlags.ts';
import { DB_FILE_NAME } from '../storage/sqliteStorage.ts';

export async function backupCommand(args: string[]): Promise<number> {
  const [dataDir, out] = args;
  if (!dataDir || !out || args.length !== 2) throw new UsageError('usage: promlite backup DATA_DIR OUT_FILE');
  const src = join(dataDir, DB_FILE_NAME);
  if (!existsSync(src)) {
    process.stderr.write(`promlite backup: no database at ${src}\n`);
    return 1;
  }
  if (existsSync(out)) {
    process.stderr.write(`promlite backup: ${out} already exists\n`);
    return 1;
  }
  const db = new Database(src, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(out);
  } finally {
    db.close();
  }
  process.stdout.write(`backup written to ${out}\n`);
  return 0;
}
