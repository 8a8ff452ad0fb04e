/**
 * Query parameters of the alert and silence endpoints: repeated `filter` matcher strings, the
 * `receiver` regex and the state booleans, parsed as Alertmanager does.
 */
import { RE2JS } from 're2js';
import type { Matcher } from '../../storage/matcher.ts';
import { parseMatchers } from '../../notify/matchers.ts';

export class BadRequest extends Error {}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}


function asList(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

export function parseFilter(v: unknown): Matcher[] {
  const out: Matcher[] = [];
  for (const s of asList(v)) {
    try {
      out.push(...parseMatchers(s));
    } catch {
      throw new BadRequest(`bad matcher format: ${s}`);
    }
  }
  return out;
}

export function parseBool(v: unknown, name: string, def: boolean): boolean {
  const s = asList(v).at(-1);
  if (s === undefined || s === '') return def;
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new BadRequest(`${name} in query must be of type boolean: "${s}"`);
}

export function parseReceiverRegex(v: unknown): RE2JS | undefined {
  const s = asList(v).at(-1);
  if (s === undefined || s === '') return undefined;
  try {
    return RE2JS.compile(`^(?:${s})$`);
  } catch (e) {
    throw new BadRequest(`failed to parse receiver param: ${(e as Error).message}`);
  }
}

/** Alertmanager's matchFilterLabels (an empty-value matcher treats absent and empty alike). */
export function matchFilterLabels(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  for (const m of matchers) {
    const present = Object.prototype.hasOwnProperty.call(labels, m.name);
    const v = present ? labels[m.name] : '';
    const negative = m.type === '!=' || m.type === '!~';
    if (m.value === '' && (negative ? present : !present)) continue;
    if (!m.matches(v)) return false;
  }
  return true;
}
