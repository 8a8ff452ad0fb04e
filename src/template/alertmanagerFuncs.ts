// Alertmanager's template functions (template/template.go DefaultFuncs). 0.25 has toUpper,
// toLower, title, join, match, safeHtml, reReplaceAll, stringSlice; the later additions
// trimSpace, safeUrl, urlUnescape, date, tz, since and humanizeDuration are provided too (a
// template valid for 0.25 renders the same).

import { ArgTypeError, FuncError } from './errors.ts';
import { variadic, type FuncMap } from './exec.ts';
import { goMatchString, goReplaceAll } from './goRegexp.ts';
import { GoDuration, GoTime, loadLocation } from './goTime.ts';
import { typeName } from './goValues.ts';
import { goToLower, goToUpper, humanizeDuration } from './prometheusFuncs.ts';
import { SafeHTML, SafeURL } from './safeTypes.ts';

function wantString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) throw new ArgTypeError('invalid value; expected string', v);
  throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(v)}`, v);
}

function wantStringSlice(v: unknown): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (v === null || v === undefined) return [];
  throw new ArgTypeError(`wrong type for value; expected []string; got ${typeName(v)}`, v);
}

function wantTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new ArgTypeError(`wrong type for value; expected time.Time; got ${v === null || v === undefined ? '<nil>' : typeName(v)}`, v);
}

/**
 * golang.org/x/text/cases Title(language.AmericanEnglish): the first letter of each word in
 * title case, the rest lower case. Words break at spaces and punctuation other than the
 * in-word characters _ . ' ’ : (as observed from Alertmanager 0.25).
 */
export function casesTitle(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    if (/\p{L}/u.test(ch)) {
      if (!inWord) {
        const up = ch.toUpperCase();
        out += up.length > 1 ? up[0] + up.slice(1).toLowerCase() : up;
        inWord = true;
      } else out += ch.toLowerCase();
    } else if (/[\p{N}\p{M}_.'\u2019:]/u.test(ch)) {
      out += ch;
    } else {
      out += ch;
      inWord = false;
    }
  }
  return out;
}

/** url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        throw new FuncError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(h, 16));
      i += 3;
    } else if (c === '+') {
      bytes.push(0x20);
      i++;
    } else {
      for (const b of Buffer.from(String.fromCodePoint(s.codePointAt(i)!), 'utf8')) bytes.push(b);
      i += s.codePointAt(i)! > 0xffff ? 2 : 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface AlertmanagerFuncOptions {
  /** Clock for `since` (ms). */
  now?: () => number;
}

export function alertmanagerFuncs(opts: AlertmanagerFuncOptions = {}): FuncMap {
  const now = opts.now ?? Date.now;
  return {
    toUpper: (s: unknown) => goToUpper(wantString(s)),
    toLower: (s: unknown) => goToLower(wantString(s)),
    title: (s: unknown) => casesTitle(wantString(s)),
    trimSpace: (s: unknown) => wantString(s).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, ''),
    // join is strings.Join with the arguments swapped, for pipelines.
    join: (sep: unknown, s: unknown) => wantStringSlice(s).join(wantString(sep)),
    match: (pattern: unknown, s: unknown) => goMatchString(wantString(pattern), wantString(s)),
    safeHtml: (s: unknown) => new SafeHTML(wantString(s)),
    safeUrl: (s: unknown) => new SafeURL(wantString(s)),
    urlUnescape: (s: unknown) => queryUnescape(wantString(s)),
    reReplaceAll: (pattern: unknown, repl: unknown, text: unknown) => goReplaceAll(wantString(pattern), wantString(repl), wantString(text)),
    stringSlice: variadic(0, (...s: unknown[]) => s.map(wantString)),
    date: (layout: unknown, t: unknown) => wantTime(t).Format(wantString(layout)),
    tz: (name: unknown, t: unknown) => {
      const n = wantString(name);
      let loc;
      try {
        loc = loadLocation(n);
      } catch {
        throw new FuncError(`unknown time zone ${n}`);
      }
      return wantTime(t).In(loc);
    },
    since: (t: unknown) => {
      const tm = wantTime(t);
      return new GoTime(now()).Sub(tm);
    },
    humanizeDuration: (v: unknown) => (v instanceof GoDuration ? humanizeDuration(v.Seconds()) : humanizeDuration(v)),
  };
}
