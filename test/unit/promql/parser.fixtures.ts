/** Shared by the parser and printer tests: the eval expressions of promqltest files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expr } from '../../../src/promql/ast.ts';
import { requireFile } from '../../support/tools.ts';

/** Prometheus's conformance files, next to the repository (see shared/conformance/promql/SOURCE.md). */
export const CONFORMANCE_DIR = new URL('../../../../shared/conformance/promql/', import.meta.url).pathname;

// The header patterns of the promqltest harness (research/promqltest-format.md §4.1).
const INSTANT = /^eval(?:_(?:fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE = /^eval(?:_(?:fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

/** The expressions of every `*.test` file in `dir`; a missing dir fails the test. */
export function conformanceExpressions(dir = CONFORMANCE_DIR): { where: string; expr: string }[] {
  requireFile(dir, { hint: 'it is part of the shared checkout (see shared/conformance/promql/SOURCE.md)' });
  const out: { where: string; expr: string }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        const m = INSTANT.exec(line) ?? RANGE.exec(line);
        if (m) out.push({ where: `${file}:${i + 1}`, expr: m[m.length - 1] });
      });
  }
  return out;
}

/** Native-histogram trim operators (`</`, `>/`) are out of scope and rejected with a clear message. */
export const TRIM_OPERATOR = /[<>]\//;

/**
 * The AST without positions, matchers as plain data in a canonical order (their order has no
 * meaning, and the printer sorts them as Prometheus does): what must survive a print/parse trip.
 */
export function astShape(e: Expr): string {
  return JSON.stringify(e, (key, value) => {
    if (key === 'posRange') return undefined;
    if (key === 'matchers') return [...value].map((m: { name: string; type: string; value: string }) => `${m.name}${m.type}${JSON.stringify(m.value)}`).sort();
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (value && typeof value === 'object' && 'matchesEmpty' in value) return `${value.name}${value.type}${JSON.stringify(value.value)}`;
    return value;
  });
}
