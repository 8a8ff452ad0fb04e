/**
 * filepath.Glob semantics for `rule_files` / test `rule_files`: `*`, `?` and `[...]` within one
 * path segment; no match is not an error. Results are sorted, like Go's.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

const MAGIC = /[*?[]/;

export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Converts one glob segment to an anchored RegExp. */
function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern: ${seg}`);
      let cls = seg.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '!' + cls.slice(1);
      re += cls.startsWith('!') ? `[^${cls.slice(1).replace(/\\/g, '\\\\')}]` : `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) {
      re += seg[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands `pattern` (relative paths resolved against `baseDir`) into existing file paths. */
export function expandGlob(pattern: string, baseDir = process.cwd()): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!hasGlobMagic(pattern)) return existsSync(abs) ? [abs] : [];
  const segments = abs.split(sep);
  let current = [segments[0] === '' ? sep : segments[0]];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '') continue;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasGlobMagic(seg)) {
        const p = join(dir, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[];
      try {
        if (!statSync(dir).isDirectory()) continue;
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n)) next.push(join(dir, n));
    }
    current = next;
  }
  return current.sort();
}
