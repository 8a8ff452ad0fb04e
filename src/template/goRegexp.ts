// Go regexp behaviour on top of re2js (RE2 syntax, linear time): MatchString (unanchored) and
// ReplaceAllString with Go's $1 / ${name} expansion rules.

import { RE2JS } from 're2js';
import { FuncError } from './errors.ts';

const cache = new Map<string, RE2JS>();

/** regexp.Compile; `must` words the error like regexp.MustCompile's panic. */
export function compileGoRegexp(pattern: string, must = false): RE2JS {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    let msg = e instanceof Error ? e.message : String(e);
    if (!msg.startsWith('error parsing regexp')) msg = `error parsing regexp: ${msg}`;
    throw new FuncError(must ? `regexp: Compile(\`${pattern}\`): ${msg}` : msg);
  }
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** regexp.MatchString: true if the pattern matches anywhere in s. */
export function goMatchString(pattern: string, s: string): boolean {
  return compileGoRegexp(pattern).matcher(s).find();
}

/**
 * regexp.MustCompile(pattern).ReplaceAllString(src, repl). Go's template expansion: `$name` is
 * the longest run of letters, digits and underscores ("$1x" means "${1x}"), `${name}` is
 * explicit, `$$` is a literal `$`, unknown groups expand to "". Empty matches directly after a
 * previous match are skipped, as in Go.
 */
export function goReplaceAll(pattern: string, repl: string, src: string): string {
  const re = compileGoRegexp(pattern, true);
  const m = re.matcher(src);
  const names = Object.keys(namedGroups(re));
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  const end = src.length;
  // Mirrors regexp.(*Regexp).replaceAll.
  while (searchPos <= end) {
    if (!m.find(searchPos)) break;
    const a0 = m.start();
    const a1 = m.end();
    out += src.slice(lastMatchEnd, a0);
    if (a1 > lastMatchEnd || a0 === 0) {
      out += expand(repl, (g) => {
        if (/^\d+$/.test(g)) {
          const n = Number(g);
          return n <= m.groupCount() ? (m.group(n) ?? '') : '';
        }
        return names.includes(g) ? (m.group(g) ?? '') : '';
      });
    }
    lastMatchEnd = a1;
    const width = searchPos < end ? (src.codePointAt(searchPos)! > 0xffff ? 2 : 1) : 0;
    if (searchPos + width > a1) searchPos += width;
    else if (searchPos + 1 > a1) searchPos++;
    else searchPos = a1;
  }
  return out + src.slice(lastMatchEnd);
}

function namedGroups(re: RE2JS): Record<string, number> {
  const r = re as unknown as { namedGroups?: () => Record<string, number> };
  return typeof r.namedGroups === 'function' ? r.namedGroups() : {};
}

function expand(template: string, group: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | null = null;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const n = close > 0 ? template.slice(i + 1, close) : '';
      if (close > 0 && /^\w+$/.test(n)) {
        name = n;
        i = close + 1;
      }
    } else {
      const mm = /^\w+/.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += mm[0].length;
      }
    }
    if (name === null) {
      // Malformed: Go emits the "$" literally.
      out += '$';
      continue;
    }
    out += group(name);
  }
  return out;
}
