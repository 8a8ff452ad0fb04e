/**
 * Fuzzing the exposition path with fast-check (fixed seed, bounded time): arbitrary bytes and
 * mutated valid payloads through both parsers and through a whole scrape must never throw
 * anything but ExpositionError, never hang, and a failed scrape must leave storage untouched.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Entry, ExpositionError, type ExpositionParser } from '../../../src/scrape/expositionParser.ts';
import { OpenMetricsParser } from '../../../src/scrape/openMetricsParser.ts';
import { TextParser } from '../../../src/scrape/textParser.ts';
import { OM, TEXT, loopWith, samplesOf, scrapeConfig } from './helpers.ts';

const VALID = Buffer.from(
  '# HELP a_total A counter with \\\\ and \\n.\n# TYPE a_total counter\na_total{x="1",y="q\\"uote"} 1.5e3 1700000000000\nb{le="+Inf"} NaN\nc -Inf\n# EOF\n',
);

function drain(p: ExpositionParser): number {
  let n = 0;
  // A parser must make progress: bound the entries by the input size.
  for (let guard = 0; guard <= p.buf.length + 1; guard++) {
    const e = p.next();
    if (e === Entry.EOF) return n;
    if (e === Entry.Series) {
      p.labels();
      p.exemplar();
      n++;
    } else if (e !== Entry.Comment) {
      p.metaName();
      p.metaText();
    }
  }
  throw new Error('parser did not reach EOF: no progress');
}

function onlyExpositionErrors(make: (b: Uint8Array) => ExpositionParser, bytes: Uint8Array): void {
  try {
    drain(make(bytes));
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    assert.match(e.message, /^line \d+: ./);
  }
}

const mutated = fc
  .tuple(fc.nat({ max: VALID.length - 1 }), fc.nat({ max: 255 }), fc.integer({ min: 0, max: 2 }))
  .map(([pos, byte, op]) => {
    const b = Buffer.from(VALID);
    if (op === 0) b[pos] = byte;
    else if (op === 1) return Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
    return Buffer.concat([b.subarray(0, pos), Buffer.from([byte]), b.subarray(pos)]);
  });
const grammarish = fc
  .array(fc.constantFrom('a', 'b_c', '{', '}', '=', '"', ',', ' ', '\t', '\n', '\\', '#', ' HELP ', ' TYPE ', ' EOF', '1', '.', 'e', '-', '+', 'Inf', 'NaN', '\u00ff', '\0'), {
    maxLength: 60,
  })
  .map((parts) => Buffer.from(parts.join('')));
const anyBytes = fc.uint8Array({ maxLength: 200 });

describe('exposition fuzzing (seeded)', () => {
  for (const [name, make] of [
    ['text', (b: Uint8Array) => new TextParser(b)],
    ['openmetrics', (b: Uint8Array) => new OpenMetricsParser(b)],
  ] as const) {
    it(`${name}: arbitrary, grammar-shaped and mutated inputs only ever raise ExpositionError`, () => {
      const opts = { seed: 42, numRuns: 3000, interruptAfterTimeLimit: 1500 };
      fc.assert(fc.property(anyBytes, (b) => onlyExpositionErrors(make, b)), opts);
      fc.assert(fc.property(grammarish, (b) => onlyExpositionErrors(make, b)), opts);
      fc.assert(fc.property(mutated, (b) => onlyExpositionErrors(make, b)), opts);
    });
  }

  it('a scrape of fuzzed payloads either succeeds or fails cleanly, leaving earlier samples intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, grammarish), fc.boolean(), async (body, om) => {
        const { storage, scrape, target } = loopWith(scrapeConfig());
        await scrape('keep{x="1"} 42\n');
        await scrape(body, om ? OM : TEXT);
        const kept = [...samplesOf(storage, 'keep').values()][0];
        assert.deepEqual(kept[0], [1_700_000_000_000, 42]);
        if (target.state.health === 'down') assert.match(target.state.lastError, /^line \d+: /);
        else assert.equal(target.state.health, 'up');
      }),
      { seed: 7, numRuns: 400, interruptAfterTimeLimit: 1500 },
    );
  });
});
