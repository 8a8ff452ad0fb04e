import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSyntaxDiagramsCode, generateCstDts } from 'chevrotain';
import { promqlLexer } from '../../../grammar/tokens.ts';
import { PromQLParser } from '../../../grammar/parser.ts';
import { AstBuilder } from '../../../src/promql/astBuilder.ts';

function tokenTypes(input: string): string[] {
  const r = promqlLexer().tokenize(input);
  assert.deepEqual(r.errors, []);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

test('keywords are case-insensitive and never swallow longer identifiers', () => {
  assert.deepEqual(tokenTypes('SUM sum_over_time Offset offset_x group_left group groupy by bye'), [
    'Sum:SUM',
    'Identifier:sum_over_time',
    'Offset:Offset',
    'Identifier:offset_x',
    'GroupLeft:group_left',
    'Group:group',
    'Identifier:groupy',
    'By:by',
    'Identifier:bye',
  ]);
  assert.deepEqual(tokenTypes('inf Inf info nan NaNa'), ['InfNan:inf', 'InfNan:Inf', 'Identifier:info', 'InfNan:nan', 'Identifier:NaNa']);
});

test('numbers, durations and strings', () => {
  assert.deepEqual(tokenTypes('1h30m 5m 250ms 1.5 .5 2. 1e-3 0x1F 5 m'), [
    'Duration:1h30m',
    'Duration:5m',
    'Duration:250ms',
    'Number:1.5',
    'Number:.5',
    'Number:2.',
    'Number:1e-3',
    'Number:0x1F',
    'Number:5',
    'Identifier:m',
  ]);
  assert.deepEqual(tokenTypes(`"a\\"b" 'c\\'d' \`e\\f\``), ['DoubleQuotedString:"a\\"b"', "SingleQuotedString:'c\\'d'", 'RawString:`e\\f`']);
  assert.deepEqual(tokenTypes('a:b:c [5m:1m] # comment'), ['Identifier:a:b:c', 'LBracket:[', 'Duration:5m', 'Colon::', 'Duration:1m', 'RBracket:]']);
  // a colon starts a metric name outside brackets, and separates range and step inside them
  assert.deepEqual(tokenTypes(':a:b{} x[(y[1m]):1m] :'), [
    'ColonIdentifier::a:b',
    'LBrace:{',
    'RBrace:}',
    'Identifier:x',
    'LBracket:[',
    'LParen:(',
    'Identifier:y',
    'LBracket:[',
    'Duration:1m',
    'RBracket:]',
    'RParen:)',
    'Colon::',
    'Duration:1m',
    'RBracket:]',
    'ColonIdentifier::',
  ]);
});

test('operators lex longest first', () => {
  assert.deepEqual(
    tokenTypes('== != =~ !~ <= >= = < > </ >/').map((t) => t.split(':')[0]),
    ['EqlC', 'Neq', 'EqlRegex', 'NeqRegex', 'Lte', 'Gte', 'Eql', 'Lss', 'Gtr', 'TrimUpper', 'TrimLower'],
  );
});

test('lexer errors are reported, not dropped', () => {
  const r = promqlLexer().tokenize('foo é "open');
  assert.equal(r.errors.length, 2);
  assert.deepEqual(
    r.errors.map((e) => e.offset),
    [4, 6],
  );
});

test('grammar/cst.d.ts is generated from the current grammar', () => {
  const parser = new PromQLParser();
  const generated = generateCstDts(parser.getGAstProductions());
  const committed = readFileSync(new URL('../../../grammar/cst.d.ts', import.meta.url), 'utf8');
  assert.ok(committed.endsWith(generated), 'run: node --import tsx grammar/generateCstDts.ts');
});

test('railroad diagrams cover every rule', () => {
  const parser = new PromQLParser();
  const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions());
  for (const rule of ['expression', 'aggregateExpr', 'vectorSelector', 'labelMatcher', 'bracketSuffix', 'offsetSuffix', 'atSuffix']) {
    assert.ok(html.includes(`"${rule}"`), rule);
  }
});

test('the AST builder has a visitor method for every grammar rule', () => {
  const rules = Object.keys(new PromQLParser().getGAstProductions());
  assert.ok(rules.length > 20, `only ${rules.length} rules`);
  const missing = rules.filter((r) => typeof (AstBuilder.prototype as unknown as Record<string, unknown>)[r] !== 'function');
  assert.deepEqual(missing, []);
});
