/** Runs a promqltest script and fails with every eval that did not pass (line, expression, why). */
import assert from 'node:assert/strict';
import { runTestScript } from '../../src/promql/promqltest.ts';

export function assertAllPass(script: string): void {
  const reports = runTestScript(script);
  assert.ok(reports.length > 0);
  const failed = reports.filter((r) => r.outcome.status !== 'pass');
  assert.deepEqual(
    failed.map((r) => `line ${r.line}: ${r.expr}: ${r.outcome.status === 'fail' ? r.outcome.message : r.outcome.status}`),
    [],
  );
}
