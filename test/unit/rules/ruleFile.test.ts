import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseRuleFile, readRuleFile, loadRuleFiles, RuleFileError } from '../../../src/rules/ruleFile.ts';
import { promliteRuleSyntax } from '../../../src/rules/ruleSyntax.ts';
import { expandGlob } from '../../../src/config/glob.ts';
import { parseDuration as parsePromDuration, formatDuration as formatPromDuration, formatGoDuration } from '../../../src/config/duration.ts';

const CHECK = join(import.meta.dirname, '../../fixtures/rules/check');

// Every *.bad.yml fixture with a message each must contain (positions are promlite's own).
const BAD: { file: string; errors: string[] }[] = [
  {
    file: 'bad.bad.yml',
    errors: [
      '5:15: group "g", rule 1, "X": could not parse expression: 1:7: parse error: unclosed left parenthesis',
      '6:17: group "g", rule 2, "foo bar": invalid field \'annotations\' in recording rule',
      '6:17: group "g", rule 2, "foo bar": invalid recording rule name: foo bar',
      '13:11: group "g", rule 3, "Y": invalid label name: 0bad',
      '15:11: group "g", rule 3, "Y": annotation "s": template: __alert_Y:1: unclosed action',
      '18:5: groupname: "g" is repeated in the same file',
    ],
  },
  { file: 'bad2.bad.yml', errors: ['not a valid duration string: "1x"'] },
  {
    file: 'bad3.bad.yml',
    errors: [
      '5:13: 4:12: group "g", rule 1, "A": only one of \'record\' and \'alert\' must be set',
      '7:5: group "g", rule 2, "": one of \'record\' or \'alert\' must be set',
      '8:5: group "g", rule 3, "C": field \'expr\' must be set in rule',
    ],
  },
  { file: 'bad4.bad.yml', errors: ['7:7: group "g", rule 1, "A": label "severity": template: __alert_A:1: unclosed action'] },
  { file: 'bad5.bad.yml', errors: ['yaml: unmarshal errors:\n  line 1: field foo not found in type rulefmt.RuleGroups'] },
  { file: 'bad7.bad.yml', errors: ['2:3: Groupname must not be empty', '4:3: Groupname must not be empty', '4:3: groupname: "" is repeated in the same file'] },
];

for (const { file, errors } of BAD) {
  test(`bad rule file ${file} fails with file: line:col messages`, () => {
    const path = join(CHECK, file);
    assert.throws(
      () => readRuleFile(path, promliteRuleSyntax),
      (e: unknown) => {
        assert.ok(e instanceof RuleFileError);
        assert.deepEqual(e.errors, errors.map((m) => `${path}: ${m}`));
        return true;
      },
    );
  });
}

test('a good rule file parses into groups with durations in ms', () => {
  const [g] = readRuleFile(join(CHECK, 'good.yml'), promliteRuleSyntax);
  assert.equal(g.name, 'g');
  assert.equal(g.interval, null);
  assert.deepEqual(g.rules.map((r) => [r.kind, r.name, r.for]), [['recording', 'job:up:sum', 0], ['alerting', 'X', 60_000]]);
  assert.equal(g.rules[1].parsedExpr.type, 'BinaryExpr');
  const [q] = readRuleFile(join(CHECK, 'query_offset.yml'), promliteRuleSyntax);
  assert.deepEqual([q.interval, q.limit, q.queryOffset], [10_000, 5, 60_000]);
});

test('empty files and numbers in string fields are accepted as Prometheus does', () => {
  assert.deepEqual(parseRuleFile('', 'x.yml', promliteRuleSyntax), []);
  const [g] = parseRuleFile('groups:\n- name: 1\n  rules:\n  - alert: A\n    expr: 1\n    labels: {code: 500}\n', 'x.yml', promliteRuleSyntax);
  assert.equal(g.name, '1');
  assert.deepEqual(g.rules[0].labels, { code: '500' });
});

test('loadRuleFiles expands globs and reports every bad file at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rulefiles-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'a.yml'), 'groups:\n- name: a\n  rules: []\n');
  writeFileSync(join(dir, 'sub', 'b.yml'), 'groups:\n- name: b\n  rules: []\n');
  writeFileSync(join(dir, 'sub', 'c.txt'), 'nope');
  assert.deepEqual(loadRuleFiles(['sub/*.yml', 'missing.yml'], promliteRuleSyntax, dir).map((g) => g.name), ['a', 'b']);
  writeFileSync(join(dir, 'sub', 'bad1.yml'), 'groups:\n- name: x\n  rules:\n  - record: r\n    expr: sum(\n');
  writeFileSync(join(dir, 'sub', 'bad2.yml'), 'groups:\n- nam: x\n');
  assert.throws(() => loadRuleFiles(['sub/*.yml'], promliteRuleSyntax, dir), (e: unknown) => {
    assert.ok(e instanceof RuleFileError);
    assert.equal(e.errors.length, 2);
    assert.match(e.errors[0], /bad1\.yml: 5:11: group "x", rule 1, "r": could not parse expression/);
    assert.match(e.errors[1], /bad2\.yml: yaml: unmarshal errors:\n  line 2: field nam not found/);
    return true;
  });
  assert.deepEqual(expandGlob(join(dir, 'sub/[ab].yml')).map((p) => p.slice(dir.length)), ['/sub/a.yml', '/sub/b.yml']);
});

test('Prometheus durations', () => {
  assert.equal(parsePromDuration('1h30m'), 5_400_000);
  assert.equal(parsePromDuration('0'), 0);
  assert.equal(parsePromDuration('1y'), 365 * 86_400_000);
  assert.throws(() => parsePromDuration('1.5h'), /not a valid duration string: "1.5h"/);
  assert.throws(() => parsePromDuration(''), /empty duration string/);
  assert.equal(formatPromDuration(5_400_000), '1h30m');
  assert.equal(formatPromDuration(14 * 86_400_000), '2w');
  assert.equal(formatPromDuration(0), '0s');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(60_000), '1m0s');
  assert.equal(formatGoDuration(3_723_500), '1h2m3.5s');
  assert.equal(formatGoDuration(500), '500ms');
});
