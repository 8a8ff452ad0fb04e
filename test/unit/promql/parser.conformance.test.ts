/**
 * Every PromQL expression in Prometheus's own test files (../shared/conformance/promql/*.test)
 * must parse: upstream's harness fails a whole file on an unparsable eval expression, so each
 * one is valid PromQL (the `expect fail` cases fail at evaluation, not parsing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpr } from '../../../src/promql/parser.ts';

const DIR = new URL('../../../../shared/conformance/promql/', import.meta.url).pathname;

const INSTANT = /^eval(?:_(?:fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE = /^eval(?:_(?:fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

export function conformanceExpressions(dir: string): { where: string; expr: string }[] {
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

/** Native-histogram trim operators (`</`, `>/`) are out of scope: rejected with a clear message. */
const TRIM_OPERATOR = /[<>]\//;

test('every eval expression of the conformance files parses', { skip: existsSync(DIR) ? false : `${DIR} not found` }, () => {
  const exprs = conformanceExpressions(DIR);
  assert.ok(exprs.length > 1500, `found only ${exprs.length} expressions`);
  const failures: string[] = [];
  for (const { where, expr } of exprs) {
    if (TRIM_OPERATOR.test(expr)) {
      assert.throws(() => parseExpr(expr), /native histogram trim operator/);
      continue;
    }
    try {
      parseExpr(expr);
    } catch (e) {
      failures.push(`${where}: ${expr}\n    ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});
