/**
 * Where promlite's own files are (package.json, config/, web/dist/), found from this module's
 * location so it works both from src/ (tsx) and from the bundle in dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** The promlite installation directory (the one holding package.json). */
export const INSTALL_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function installPath(...parts: string[]): string {
  return join(INSTALL_ROOT, ...parts);
}
