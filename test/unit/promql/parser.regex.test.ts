/**
 * Regex matchers from user queries cannot hang the process: RE2 (linear time) runs them, so a
 * pattern that makes backtracking engines explode finishes quickly. The test timeout is the
 * bound; a backtracking engine would need longer than the age of the universe here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr } from '../../../src/promql/parser.ts';

function regexMatcherOf(query: string) {
  const e = parseExpr(query);
  assert.ok(e.type === 'VectorSelector');
  const m = e.matchers.find((x) => x.type === '=~' || x.type === '!~');
  assert.ok(m);
  return m;
}

test('hostile regexes match in linear time', { timeout: 10_000 }, () => {
  const input = 'a'.repeat(200_000) + 'b';
  for (const pattern of ['(a+)+$', '(a|a)*c', '(a*)*b{2}', '(.*a){20}']) {
    const m = regexMatcherOf(`foo{x=~${JSON.stringify(pattern)}}`);
    assert.equal(typeof m.matches(input), 'boolean', pattern);
  }
  assert.equal(regexMatcherOf('foo{x=~"(a+)+$"}').matches(input), false);
  assert.equal(regexMatcherOf('foo{x=~"(a+)+b"}').matches(input), true);
});

test('regex matchers are fully anchored and RE2 syntax', () => {
  const m = regexMatcherOf('foo{x=~"ab|cd"}');
  assert.equal(m.matches('ab'), true);
  assert.equal(m.matches('xab'), false);
  assert.equal(m.matches('abx'), false);
  assert.throws(() => parseExpr('foo{x=~"(?=lookahead)"}'), /error parsing regexp/);
});
