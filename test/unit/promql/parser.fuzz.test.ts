/**
 * Property tests of the parser with a fixed seed and a bounded run time: whatever the input,
 * parseExpr returns an AST or throws PromQLParseError (never anything else, never hangs), and
 * whatever it accepts prints back to text that parses to the same AST.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExpr } from '../../../src/promql/parser.ts';
import { PromQLParseError } from '../../../src/promql/parseError.ts';
import { formatExpr } from '../../../src/promql/printer.ts';
import { astShape } from './parser.fixtures.ts';

const SEED = 20261122;
const LIMIT = { seed: SEED, interruptAfterTimeLimit: 1200 };

/** Pieces PromQL is made of, so random sequences reach deep into the grammar. */
const FRAGMENTS = [
  'sum', 'rate', 'foo', 'bar_total', 'a:b', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool',
  'offset', '@', 'start()', 'end()', 'step()', 'range()', 'min_of', 'and', 'or', 'unless', 'atan2', 'topk', 'count_values',
  'nan', 'Inf', '(', ')', '{', '}', '[', ']', ',', ':', '=', '!=', '=~', '!~', '==', '<=', '>', '+', '-', '*', '/', '%', '^',
  '</', '5m', '1h30m', '0x1f', '1e-3', '.5', '2', '"a"', "'b'", '`c`', '"\\x', '"\\u12', '#', '\n', ' ', '"', '!', 'é', '\u0000',
];

function mustNotCrash(input: string): boolean {
  try {
    parseExpr(input);
  } catch (e) {
    if (!(e instanceof PromQLParseError)) throw e;
    assert.ok(e.message.includes('parse error: '), e.message);
    assert.ok(e.posRange.start >= 0 && e.posRange.start <= input.length, `${e.posRange.start} outside ${input.length}`);
  }
  return true;
}

test('random token soup never crashes the parser', { timeout: 30_000 }, () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join(' ')), mustNotCrash),
    { ...LIMIT, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join('')), mustNotCrash),
    { ...LIMIT, numRuns: 2000 },
  );
});

test('random unicode text never crashes the parser', { timeout: 30_000 }, () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), mustNotCrash), { ...LIMIT, numRuns: 2000 });
});

/** Syntactically plausible expressions built from a small grammar. */
const exprArb: fc.Arbitrary<string> = fc.letrec<{ expr: string; vector: string; scalar: string }>((tie) => ({
  scalar: fc.oneof(
    fc.constantFrom('1', '-2.5', '0x10', 'Inf', 'NaN', '5m', '1e3', 'time()', 'pi()'),
    fc.tuple(tie('scalar'), fc.constantFrom('+', '-', '*', '/', '%', '^', '== bool', 'atan2'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('scalar').map((s) => `(${s})`),
    tie('scalar').map((s) => `-${s}`),
  ),
  vector: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('foo', 'offset', 'bar{a="b", c=~"d|e"}', '{__name__="x"}', '{"odd.name"}', 'foo @ 100', 'foo offset -1m'),
    fc.tuple(fc.constantFrom('rate', 'increase', 'max_over_time'), fc.constantFrom('foo', 'bar{a!="1"}'), fc.constantFrom('5m', '1h', '30s'))
      .map(([f, sel, r]) => `${f}(${sel}[${r}])`),
    fc.tuple(fc.constantFrom('sum', 'avg', 'max', 'group'), fc.constantFrom('', ' by (job)', ' without (a, on)'), tie('vector'))
      .map(([op, g, v]) => `${op}${g} (${v})`),
    fc.tuple(fc.constantFrom('topk', 'quantile', 'limitk'), tie('scalar'), tie('vector')).map(([op, s, v]) => `${op}(${s}, ${v})`),
    fc.tuple(tie('vector'), fc.constantFrom('+', '*', '>', '> bool', 'and', 'or', 'unless', '/ on (a)', '- ignoring (b) group_left (c)'), tie('vector'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('vector'), fc.constantFrom('+', '^', '<'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('vector').map((v) => `(${v})`),
    tie('vector').map((v) => `-${v}`),
    tie('vector').map((v) => `avg_over_time((${v})[10m:1m])`),
    fc.tuple(fc.constantFrom('abs', 'sort', 'timestamp'), tie('vector')).map(([f, v]) => `${f}(${v})`),
  ),
  expr: fc.oneof(tie('vector'), tie('scalar')),
})).expr;

test('whatever parses prints back to the same AST', { timeout: 30_000 }, () => {
  let parsed = 0;
  fc.assert(
    fc.property(exprArb, (input) => {
      let first;
      try {
        first = parseExpr(input);
      } catch (e) {
        if (e instanceof PromQLParseError) return true; // e.g. scalar comparisons without bool
        throw e;
      }
      parsed++;
      const printed = formatExpr(first);
      assert.equal(astShape(parseExpr(printed)), astShape(first), `${input} -> ${printed}`);
      return true;
    }),
    { ...LIMIT, numRuns: 1500 },
  );
  assert.ok(parsed > 100, `only ${parsed} generated expressions parsed`);
});
