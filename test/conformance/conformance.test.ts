/**
 * Runs the PromQL conformance suite (Prometheus's promqltest files) as part of `npm test`,
 * against the SQLite store: every eval must pass unless listed in known-failures.txt, and the
 * pass rate must stay at or above threshold.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DIR, runConformance } from './conformance.ts';
import { requireFile } from '../support/tools.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

test('PromQL conformance files pass (except known failures)', async () => {
  requireFile(DEFAULT_DIR, { hint: 'the shared checkout (../shared/conformance/promql) is missing' });
  const failures: string[] = [];
  const summary = await runConformance({
    targets: [DEFAULT_DIR],
    store: 'sqlite',
    log: (l) => {
      if (l.startsWith('FAIL')) failures.push(l);
    },
  });
  assert.deepEqual(summary.unexpectedFailures, [], failures.join('\n'));
  const { minPassRate } = JSON.parse(readFileSync(path.join(here, 'threshold.json'), 'utf8')) as { minPassRate: number };
  const rate = summary.passed / (summary.passed + summary.failed);
  assert.ok(rate >= minPassRate, `pass rate ${rate} below threshold ${minPassRate}`);
  assert.ok(summary.passed > 800, `only ${summary.passed} evals passed`);
});
