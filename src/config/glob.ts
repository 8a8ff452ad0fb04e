/**
 * File globs with Go's filepath.Match syntax (`*`, `?`, `[a-z]`, `[^a-z]`, `\` escapes), as used
 * by rule_files and file_sd_configs. `*` never crosses a `/`. Expansion returns sorted paths.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export class GlobError extends Error {}

export function hasGlobMeta(s: string): boolean {
  return /[*?[\\]/.test(s);
}

/** Compiles one path element pattern; throws GlobError when malformed (Go's ErrBadPattern). */
export function globElementToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new GlobError(`syntax error in pattern ${JSON.stringify(pattern)}`);
      re += escapeRe(pattern[i]);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new GlobError(`syntax error in pattern ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') throw new GlobError(`syntax error in pattern ${JSON.stringify(pattern)}`);
      re += `[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Checks a whole pattern, throwing GlobError when any element is malformed. */
export function validateGlob(pattern: string): void {
  for (const part of pattern.split(sep)) if (hasGlobMeta(part)) globElementToRegExp(part);
}

/** Paths matching an absolute pattern; meta characters may appear in any element. */
export function expandGlob(pattern: string): string[] {
  if (!hasGlobMeta(pattern)) return exists(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const last = pattern.slice(dir.length + (dir.endsWith(sep) ? 0 : 1));
  const dirs = hasGlobMeta(dir) ? expandGlob(dir).filter(isDir) : [dir];
  const re = globElementToRegExp(last);
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) if (re.test(n)) out.push(join(d, n));
  }
  return out.sort();
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
