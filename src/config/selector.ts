/**
 * A series selector as it appears in config values (`{tier="free"}`, `up{job=~"api.*"}`):
 * an optional metric name and label matchers with double- or single-quoted values. Only what a
 * config needs, not PromQL; errors name the 1-based column.
 */
import { InvalidRegexError, Matcher, type MatchType } from '../storage/matcher.ts';
import { isValidLabelName, isValidMetricName } from './names.ts';

export class SelectorError extends Error {}

export function parseSelector(text: string): Matcher[] {
  let i = 0;
  const fail = (msg: string): never => {
    throw new SelectorError(`invalid selector ${JSON.stringify(text)} at column ${i + 1}: ${msg}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const ident = (metric: boolean): string => {
    const start = i;
    while (i < text.length && /[A-Za-z0-9_:]/.test(text[i])) i++;
    const s = text.slice(start, i);
    if (!(metric ? isValidMetricName(s) : isValidLabelName(s))) fail(`expected a ${metric ? 'metric' : 'label'} name`);
    return s;
  };
  const quoted = (): string => {
    const q = text[i];
    if (q !== '"' && q !== "'") fail('expected a quoted string');
    i++;
    let out = '';
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\') {
        i++;
        const c = text[i];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c === undefined ? fail('unterminated string') : c;
      } else out += text[i];
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };

  const matchers: Matcher[] = [];
  const add = (type: MatchType, name: string, value: string) => {
    try {
      matchers.push(new Matcher(type, name, value));
    } catch (e) {
      if (e instanceof InvalidRegexError) fail(e.message);
      throw e;
    }
  };
  ws();
  if (i < text.length && text[i] !== '{') add('=', '__name__', ident(true));
  ws();
  if (text[i] === '{') {
    i++;
    ws();
    while (text[i] !== '}') {
      const name = ident(false);
      ws();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => text.startsWith(o, i));
      if (!op) fail('expected one of =, !=, =~, !~');
      i += op!.length;
      ws();
      add(op!, name, quoted());
      ws();
      if (text[i] === ',') {
        i++;
        ws();
      } else if (text[i] !== '}') fail("expected ',' or '}'");
    }
    i++;
  }
  ws();
  if (i < text.length) fail('unexpected text after the selector');
  if (matchers.length === 0) fail('empty selector');
  if (matchers.every((m) => m.matchesEmpty)) fail('the selector must contain at least one matcher that does not match the empty string');
  return matchers;
}
