/**
 * Conformance library shared by the CLI runner (run.ts) and `npm test` (conformance.test.ts):
 * runs promqltest files, compares the outcome with known-failures.txt and prints reports.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Storage } from '../../src/storage/interface.ts';
import { MemoryStorage } from '../../src/storage/memoryStorage.ts';
import { openStorage } from '../../src/storage/sqliteStorage.ts';
import { ManualClock } from '../../src/clock.ts';
import { type EvalReport, TestScriptError, runTestScript } from '../../src/promql/promqltest.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `../shared/conformance/promql` relative to the repository root. */
export const DEFAULT_DIR = path.resolve(here, '../../../shared/conformance/promql');
export const KNOWN_FAILURES_FILE = path.join(here, 'known-failures.txt');

export type StoreKind = 'sqlite' | 'memory';

export interface ConformanceOptions {
  targets: string[];
  /** Storage engine under test; the SQLite store unless told otherwise. */
  store?: StoreKind;
  log?: (line: string) => void;
  verbose?: boolean;
}

export interface ConformanceSummary {
  store: StoreKind;
  passed: number;
  failed: number;
  skipped: number;
  /** `file.test:line` of failing evals not listed as known failures. */
  unexpectedFailures: string[];
  /** Known failures that passed this time. */
  fixedKnownFailures: string[];
  skipReasons: Map<string, number>;
}

/** known-failures.txt: `<file>.test:<line> <reason>` per line, `#` comments. */
export function readKnownFailures(file = KNOWN_FAILURES_FILE): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+:\d+)\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

function storageFactory(kind: StoreKind): { make: () => Storage; cleanup: () => void } {
  if (kind === 'memory') return { make: () => new MemoryStorage(), cleanup: () => {} };
  const dirs: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'promlite-conformance-'));
      dirs.push(dir);
      // Test data lives around the Unix epoch: a clock there keeps it inside retention.
      return openStorage({ path: dir, schedule: false, clock: new ManualClock(0) });
    },
    cleanup: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function listFiles(targets: string[]): string[] {
  const files: string[] = [];
  for (const t of targets) {
    if (!existsSync(t)) throw new Error(`conformance: ${t} does not exist`);
    if (statSync(t).isDirectory()) {
      for (const f of readdirSync(t).sort()) if (f.endsWith('.test')) files.push(path.join(t, f));
    } else files.push(t);
  }
  return files;
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceSummary> {
  const log = opts.log ?? (() => {});
  const store = opts.store ?? 'sqlite';
  const known = readKnownFailures();
  const seenKnown = new Set<string>();
  const summary: ConformanceSummary = {
    store,
    passed: 0,
    failed: 0,
    skipped: 0,
    unexpectedFailures: [],
    fixedKnownFailures: [],
    skipReasons: new Map(),
  };
  const perFile: string[] = [];
  for (const file of listFiles(opts.targets)) {
    const name = path.basename(file);
    const { make, cleanup } = storageFactory(store);
    let reports: EvalReport[];
    try {
      reports = runTestScript(readFileSync(file, 'utf8'), { newStorage: make });
    } catch (e) {
      const msg = e instanceof TestScriptError ? e.message : String((e as Error).stack ?? e);
      log(`${name}: cannot run file: ${msg}`);
      summary.failed++;
      summary.unexpectedFailures.push(`${name}:0`);
      perFile.push(`  ${name}: file error`);
      continue;
    } finally {
      cleanup();
    }
    let p = 0;
    let f = 0;
    let s = 0;
    for (const r of reports) {
      const id = `${name}:${r.line}`;
      if (r.outcome.status === 'pass') {
        p++;
        if (known.has(id)) summary.fixedKnownFailures.push(id);
        if (opts.verbose) log(`PASS ${id}: ${r.expr}`);
      } else if (r.outcome.status === 'skip') {
        s++;
        summary.skipReasons.set(r.outcome.reason, (summary.skipReasons.get(r.outcome.reason) ?? 0) + 1);
        if (opts.verbose) log(`SKIP ${id}: ${r.expr} (${r.outcome.reason})`);
      } else {
        f++;
        const isKnown = known.has(id);
        if (isKnown) seenKnown.add(id);
        else summary.unexpectedFailures.push(id);
        log(`FAIL ${id}${isKnown ? ' (known)' : ''}: ${r.expr} — ${r.outcome.message.replace(/\s*\n\s*/g, ' ')}`);
      }
    }
    summary.passed += p;
    summary.failed += f;
    summary.skipped += s;
    perFile.push(`  ${name}: ${p} passed, ${f} failed, ${s} skipped`);
  }
  log('\nPer file:');
  for (const l of perFile) log(l);
  if (summary.skipReasons.size > 0) {
    log('\nSkipped (why):');
    for (const [reason, n] of [...summary.skipReasons].sort((a, b) => b[1] - a[1])) log(`  ${n} × ${reason}`);
  }
  return summary;
}
