/**
 * Alertmanager's matcher strings: `a="b"`, `a=~"x.*"`, `a!=b` (unquoted allowed), a list
 * optionally wrapped in `{}` and separated by commas. Used by route `matchers:`, inhibit rules,
 * the API's `filter` parameter and amtool. Also renders matchers the way Alertmanager does in
 * route keys: `{name="value",other=~"re"}` with Go %q quoting.
 */
import { Matcher, type MatchType } from '../storage/matcher.ts';
import { goQuote } from './goQuote.ts';

const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

export class MatcherParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatcherParseError';
  }
}

/** Parses a list such as `{alertname="Foo", severity=~"crit|warn"}`. Throws MatcherParseError. */
export function parseMatchers(input: string): Matcher[] {
  let s = input;
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const ch of s) {
    if (ch === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (ch === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += ch;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** One matcher `name op value`; the value may be double-quoted with `\"`, `\\`, `\n` escapes. */
export function parseMatcher(s: string): Matcher {
  const m = MATCHER_RE.exec(s);
  if (!m) throw new MatcherParseError(`bad matcher format: ${s}`);
  let raw = m[3];
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (escaped) {
      escaped = false;
      if (ch === 'n') value += '\n';
      else if (ch === '"' || ch === '\\') value += ch;
      else value += '\\' + ch; // a spurious escape keeps its backslash
      continue;
    }
    if (ch === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < chars.length - 1) {
        throw new MatcherParseError(`matcher value contains unescaped double quote: ${m[3]}`);
      }
      expectTrailingQuote = false;
    } else {
      value += ch;
    }
  }
  if (expectTrailingQuote) throw new MatcherParseError(`matcher value contains unescaped double quote: ${m[3]}`);
  try {
    return new Matcher(m[2] as MatchType, m[1], value);
  } catch (e) {
    throw new MatcherParseError((e as Error).message);
  }
}

/** True when every matcher matches; an absent label is the empty string. */
export function matchesAll(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  for (const m of matchers) if (!m.matches(labels[m.name] ?? '')) return false;
  return true;
}

/** Alertmanager's sort order for matchers: name, then value, then type. */
export function sortMatchers(ms: Matcher[]): Matcher[] {
  const typeRank: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };
  return ms.sort((a, b) =>
    a.name !== b.name
      ? a.name < b.name ? -1 : 1
      : a.value !== b.value
        ? a.value < b.value ? -1 : 1
        : typeRank[a.type] - typeRank[b.type],
  );
}

/** `name="value"` with Go %q quoting, as Alertmanager prints a matcher. */
export function matcherString(m: Matcher): string {
  return `${m.name}${m.type}${goQuote(m.value)}`;
}

/** `{a="b",c=~"d"}` — the form used inside route keys. */
export function matchersString(ms: readonly Matcher[]): string {
  return `{${ms.map(matcherString).join(',')}}`;
}
