/**
 * PromQL conformance runner: runs Prometheus's promqltest files against promlite's engine and
 * storage.
 *
 *   npm run conformance -- [--store=sqlite|memory] [--verbose] [DIR_OR_FILE...]
 *
 * Prints one line per failing eval (file:line, expression, expected vs got), a per-file
 * summary and finally `N passed, N failed, N skipped`. Exits non-zero when an eval fails that
 * is not listed in known-failures.txt, or the pass rate drops below threshold.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runConformance, DEFAULT_DIR } from './conformance.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const storeArg = args.find((a) => a.startsWith('--store='))?.slice('--store='.length);
const targets = args.filter((a) => !a.startsWith('--'));

const summary = await runConformance({
  targets: targets.length > 0 ? targets : [DEFAULT_DIR],
  store: storeArg === 'memory' ? 'memory' : storeArg === 'sqlite' ? 'sqlite' : undefined,
  log: (line) => console.log(line),
  verbose,
}).catch((e: Error) => {
  console.error(e.message);
  process.exit(2);
});

const threshold = JSON.parse(readFileSync(path.join(here, 'threshold.json'), 'utf8')) as { minPassRate: number };
const rate = summary.passed / Math.max(1, summary.passed + summary.failed);
let ok = true;
if (summary.unexpectedFailures.length > 0) {
  console.log(`\n${summary.unexpectedFailures.length} failure(s) not in known-failures.txt:`);
  for (const f of summary.unexpectedFailures) console.log(`  ${f}`);
  ok = false;
}
if (summary.fixedKnownFailures.length > 0) {
  console.log(`\n${summary.fixedKnownFailures.length} known failure(s) now pass; remove them from known-failures.txt:`);
  for (const f of summary.fixedKnownFailures) console.log(`  ${f}`);
}
if (targets.length === 0 && rate < threshold.minPassRate) {
  console.log(`\npass rate ${(rate * 100).toFixed(2)}% is below the threshold ${(threshold.minPassRate * 100).toFixed(2)}%`);
  ok = false;
}
console.log(`pass rate over non-skipped evals: ${(rate * 100).toFixed(2)}% (store: ${summary.store})`);
console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
process.exit(ok ? 0 : 1);
