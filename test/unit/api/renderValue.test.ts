import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderQueryData, renderQueryDataJson } from '../../../src/api/v1/renderValue.ts';
import { JsonText, envelope, envelopeJson, goJson } from '../../../src/api/respond.ts';
import { Labels } from '../../../src/storage/labels.ts';
import type { QueryValue } from '../../../src/promql/values.ts';

// Label names JSON.stringify would reorder (integer-like keys go first) are tested separately.
const labelName = fc.oneof(fc.constantFrom('__name__', 'job', 'le', 'a_b', 'ünï', 'q"uote', 'back\\slash'), fc.string({ minLength: 1, maxLength: 6 })).filter((n) => !/^\d+$/.test(n));
const labelValue = fc.oneof(fc.constantFrom('', 'x', '+Inf', '\n\t', '"', '\u2028', '\uD83D\uDE00'), fc.string({ maxLength: 8 }));
const labels = fc.dictionary(labelName, labelValue, { maxKeys: 5 }).map((o) => Labels.fromObject(o));
const value = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e21, 1.5e-7, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double(),
  fc.integer(),
);
const time = fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.constantFrom(0, 1763000000123, -1, 1));

const queryValue: fc.Arbitrary<QueryValue> = fc.oneof(
  fc.record({ type: fc.constant('scalar' as const), t: time, v: value }),
  fc.record({ type: fc.constant('string' as const), t: time, v: labelValue }),
  fc.record({ type: fc.constant('vector' as const), samples: fc.array(fc.record({ metric: labels, t: time, v: value }), { maxLength: 5 }) }),
  fc.record({
    type: fc.constant('matrix' as const),
    series: fc.array(fc.record({ metric: labels, points: fc.array(fc.record({ t: time, v: value }), { maxLength: 6 }) }), { maxLength: 4 }),
  }),
);

test('the hand-written JSON equals JSON.stringify of the object form, byte for byte', () => {
  fc.assert(
    fc.property(queryValue, (v) => {
      assert.equal(renderQueryDataJson(v), JSON.stringify(renderQueryData(v)));
    }),
    { numRuns: 500 },
  );
});

test('labels keep label order even when a name looks like an integer', () => {
  const v: QueryValue = { type: 'vector', samples: [{ metric: Labels.fromObject({ a: 'x', '1': 'y' }), t: 1000, v: 2 }] };
  assert.equal(renderQueryDataJson(v), '{"resultType":"vector","result":[{"metric":{"1":"y","a":"x"},"value":[1,"2"]}]}');
  const empty: QueryValue = { type: 'matrix', series: [{ metric: Labels.EMPTY, points: [{ t: 1500, v: NaN }] }] };
  assert.equal(renderQueryDataJson(empty), '{"resultType":"matrix","result":[{"metric":{},"values":[[1.5,"NaN"]]}]}');
});

test('an envelope around pre-rendered data equals the one JSON.stringify builds', () => {
  fc.assert(
    fc.property(queryValue, fc.array(fc.string(), { maxLength: 2 }), fc.option(fc.array(fc.string(), { maxLength: 2 }), { nil: undefined }), (v, warnings, infos) => {
      const data = renderQueryDataJson(v);
      assert.equal(envelopeJson({ data: new JsonText(data), warnings, infos }), goJson(JSON.stringify(envelope({ data: JSON.parse(data), warnings, infos }))));
    }),
    { numRuns: 200 },
  );
});

test('JSON is escaped as Go writes it: <, >, &, U+2028 and U+2029 inside strings', () => {
  const text = envelopeJson({ data: { 'a<b': 'x&y>\u2028\u2029"' }, warnings: ['<w>'] });
  assert.equal(text, '{"status":"success","data":{"a\\u003cb":"x\\u0026y\\u003e\\u2028\\u2029\\""},"warnings":["\\u003cw\\u003e"]}');
  assert.deepEqual(JSON.parse(text), { status: 'success', data: { 'a<b': 'x&y>\u2028\u2029"' }, warnings: ['<w>'] });
  assert.equal(envelopeJson({ error: { type: 'bad_data', message: 'parse error at <' } }), '{"status":"error","errorType":"bad_data","error":"parse error at \\u003c"}');
});
