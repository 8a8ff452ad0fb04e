/**
 * Every PromQL expression in Prometheus's own test files (../shared/conformance/promql/*.test)
 * must parse: upstream's harness fails a whole file on an unparsable eval expression, so each
 * one is valid PromQL (the `expect fail` cases fail at evaluation, not parsing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../src/promql/parser.ts';
import { conformanceExpressions, TRIM_OPERATOR } from './parser.fixtures.ts';

test('every eval expression of the conformance files parses', () => {
  const exprs = conformanceExpressions();
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
