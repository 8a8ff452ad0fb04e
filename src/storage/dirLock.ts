/**
 * A lock file in the data directory, like Prometheus's: two promlite processes replaying and
 * appending to the same database would corrupt each other's heads. A lock left by a process
 * that no longer runs (kill -9, crash) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; returns a function that releases it. Throws if another live process holds it. */
export function acquireDirLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE_NAME);
  let holder = NaN;
  try {
    holder = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    /* no lock yet */
  }
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
    throw new Error(`storage directory ${dir} is in use by process ${holder} (delete ${file} if that process is not promlite)`);
  }
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}
