// Property tests (fast-check, fixed seed, bounded runs): the parser and executor never crash
// with anything but TemplateError and never hang, whatever the input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Template, TemplateError, formatFloat, sprintf } from '../../../src/template/index.ts';
import { AlertmanagerTemplates } from '../../../src/template/alertmanagerTemplates.ts';
import { buildTemplateData } from '../../../src/template/alertmanagerData.ts';
import { expandAlertTemplate } from '../../../src/template/prometheusFuncs.ts';
import { AMDATA_INPUT } from './alertmanagerCases.ts';

const PIECES = [
  '{{', '}}', '{{-', '-}}', ' ', '\n', '.', '$', '$x', ':=', '=', '|', '(', ')', ',', '"', '`', "'",
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil',
  'true', '1', '1.5e3', '0x1F', '"s"', '`r`', "'c'", '.Status', '.Alerts', '.CommonLabels', '.Labels.x',
  'printf', '"%d %s %v %.2f"', 'len', 'index', 'slice', 'eq', 'lt', 'and', 'or', 'not', 'print',
  'html', 'js', 'urlquery', 'toUpper', 'join', 'title', '/*', '*/', '"x"', 'template "__subject" .',
  'humanize', 'x', '-', '@', '{', '}',
];

const templateText = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(''));
const SEED = 20261122;

describe('template fuzz', () => {
  const am = AlertmanagerTemplates.defaults();
  const data = buildTemplateData(AMDATA_INPUT);

  it('random token soup: only TemplateError, never a crash or hang', () => {
    fc.assert(
      fc.property(templateText, (text) => {
        const started = Date.now();
        try {
          const out = am.executeText(text, data);
          assert.equal(typeof out, 'string');
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
        }
        assert.ok(Date.now() - started < 1000, `slow: ${JSON.stringify(text)}`);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('arbitrary unicode strings: only TemplateError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        try {
          new Template('f').parse(text).execute({ a: 1 });
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('text without actions renders unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }).filter((s) => !s.includes('{{')), (text) => {
        assert.equal(new Template('p').parse(text).execute(null), text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('Prometheus expansion never throws', async () => {
    await fc.assert(
      fc.asyncProperty(templateText, async (text) => {
        const out = await expandAlertTemplate(text, { alertName: 'F', labels: { a: 'b' }, value: 1, queryFn: async () => [] });
        assert.equal(typeof out, 'string');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('float formatting properties', () => {
  it('shortest %g/%e round-trip', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        assert.equal(Number(formatFloat(x, 'g', -1)), x);
        assert.equal(Number(formatFloat(x, 'e', -1)), x);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
  it('%.Nf is the correctly rounded value', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, n) => {
        const s = sprintf(`%.${n}f`, [x]);
        // The printed value is within half a unit of the last place of x.
        assert.ok(Math.abs(Number(s) - x) <= 0.5 * 10 ** -n * (1 + 1e-9) + Math.abs(x) * 1e-15, `${x} -> ${s}`);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
