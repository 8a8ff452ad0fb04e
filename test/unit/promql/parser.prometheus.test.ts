/**
 * Differential check against a real Prometheus (the Debian 2.42 package; the test fails when it
 * is not installed): for generated expressions, promlite must accept exactly what Prometheus accepts
 * and report the same first error (position and message). The generator stays within syntax
 * both versions share (no Prometheus 3 duration arithmetic, no quoted metric or label names).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExpr } from '../../../src/promql/parser.ts';
import { startPrometheusPeer, type PrometheusPeer } from '../../support/prometheusPeer.ts';

let prometheus: PrometheusPeer | undefined;
let base = '';

before(async () => {
  prometheus = await startPrometheusPeer({
    config: 'global:\n  scrape_interval: 1h\n',
    args: ['--enable-feature=promql-at-modifier,promql-negative-offset'],
  });
  base = prometheus.url;
});

after(() => prometheus?.stop());

async function prometheusVerdict(query: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query, time: '0' }) });
  const body = (await res.json()) as { status: string; error?: string };
  const error = String(body.error ?? '').replace('invalid parameter "query": ', '');
  return body.status === 'success' || !error.includes('parse error') ? 'ok' : error; // evaluation errors mean "parsed"
}

function ourVerdict(query: string): string {
  try {
    parseExpr(query);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

const exprArb: fc.Arbitrary<string> = fc.letrec<{ expr: string; vector: string; scalar: string }>((tie) => ({
  scalar: fc.oneof(
    fc.constantFrom('1', '-2.5', '0x10', 'Inf', 'NaN', '1e3', 'time()', 'pi()', '"s"'),
    fc.tuple(tie('scalar'), fc.constantFrom('+', '-', '*', '/', '%', '^', '== bool', 'atan2', '>', 'and'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('scalar').map((s) => `(${s})`),
    tie('scalar').map((s) => `-${s}`),
  ),
  vector: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('foo', 'offset', 'bar{a="b", c=~"d|e"}', '{__name__="x"}', 'foo @ 100', 'foo offset -1m', 'foo[5m]', 'foo[5m:]', '{a=""}'),
    fc.tuple(fc.constantFrom('rate', 'abs', 'round', 'label_join', 'histogram_quantile', 'vector', 'scalar'), tie('expr')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom('rate', 'clamp', 'label_replace', 'round', 'quantile_over_time'), tie('expr'), tie('expr')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(fc.constantFrom('sum', 'avg', 'group', 'topk', 'count_values'), fc.constantFrom('', ' by (job)', ' without (a, on)'), tie('expr'))
      .map(([op, g, v]) => `${op}${g} (${v})`),
    fc.tuple(fc.constantFrom('topk', 'quantile', 'count_values', 'sum'), tie('expr'), tie('expr')).map(([op, s, v]) => `${op}(${s}, ${v})`),
    fc.tuple(
      tie('expr'),
      fc.constantFrom('+', '*', '> bool', 'and', 'or', 'unless', '/ on (a)', '- ignoring (b) group_left (c)', 'and on(x) group_left ()', '+ on(a) group_right(a)', '+ bool'),
      tie('expr'),
    ).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((v) => `(${v})`),
    tie('expr').map((v) => `-${v}`),
    tie('expr').map((v) => `(${v})[10m:1m]`),
    tie('expr').map((v) => `${v} offset 5m`),
    tie('expr').map((v) => `${v}[5m]`),
  ),
  expr: fc.oneof(tie('vector'), tie('scalar')),
})).expr;

test('accepts and rejects like Prometheus, with the same first error', { timeout: 60_000 }, async () => {
  const queries = [...new Set(fc.sample(exprArb, { seed: 4242, numRuns: 400 }))].filter((q) => q.length <= 300);
  const mismatches: string[] = [];
  let accepted = 0;
  for (const q of queries) {
    const [theirs, ours] = [await prometheusVerdict(q), ourVerdict(q)];
    if (theirs === 'ok') accepted++;
    if (theirs !== ours) mismatches.push(`${q}\n  prometheus: ${theirs}\n  promlite:   ${ours}`);
  }
  assert.deepEqual(mismatches, []);
  assert.ok(accepted > 20 && accepted < queries.length - 20, `a useful mix of valid (${accepted}) and invalid queries`);
});
