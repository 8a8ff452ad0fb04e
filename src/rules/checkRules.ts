/**
 * `promtool check rules FILE...`: validates rule files and reports like promtool
 * (`Checking f\n  SUCCESS: N rules found\n`, or `  FAILED:` and one line per problem on
 * stderr; duplicate rules are a lint warning that does not fail the check).
 */
import { readRuleFile, RuleFileError, type GroupSpec } from './ruleFile.ts';
import type { RuleSyntax } from './types.ts';
import { processIO, type CommandIO } from './commandIO.ts';
import { promliteRuleSyntax } from './ruleSyntax.ts';

export interface CheckRulesOptions {
  /** `--lint-fatal`: duplicate rules fail the check (exit code 3). */
  lintFatal?: boolean;
}

/** Returns the exit code: 0 valid, 1 any file invalid, 3 lint problems with lintFatal. */
export function checkRulesCommand(
  files: readonly string[],
  io: CommandIO = processIO,
  opts: CheckRulesOptions = {},
  syntax: RuleSyntax = promliteRuleSyntax,
): number {
  let failed = false;
  let lintFailed = false;
  for (const f of files) {
    io.out(`Checking ${f}\n`);
    let groups: GroupSpec[];
    try {
      groups = readRuleFile(f, syntax);
    } catch (e) {
      io.err('  FAILED:\n');
      for (const line of e instanceof RuleFileError ? e.errors : [(e as Error).message]) io.err(line + '\n');
      failed = true;
      io.out('\n');
      continue;
    }
    const dups = duplicateRules(groups);
    if (dups.length > 0) {
      let msg = `lint error ${dups.length} duplicate rule(s) found.\n`;
      for (const d of dups) {
        msg += `Metric: ${d.name}\nLabel(s):\n`;
        for (const k of Object.keys(d.labels).sort()) msg += `\t${k}: ${d.labels[k]}\n`;
      }
      msg += 'Might cause inconsistency while recording expressions';
      io.err('  FAILED:\n' + msg + '\n');
      lintFailed = true;
    } else {
      io.out(`  SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found\n`);
    }
    io.out('\n');
  }
  if (failed) return 1;
  return lintFailed && opts.lintFatal ? 3 : 0;
}

/** Rules with the same name and labels as an earlier rule of the same group. */
export function duplicateRules(groups: readonly GroupSpec[]): { name: string; labels: Record<string, string> }[] {
  const out: { name: string; labels: Record<string, string> }[] = [];
  for (const g of groups) {
    const seen: string[] = [];
    for (const r of g.rules) {
      const key = JSON.stringify([r.name, Object.entries(r.labels).sort()]);
      for (const k of seen) if (k === key) out.push({ name: r.name, labels: r.labels });
      seen.push(key);
    }
  }
  return out;
}
