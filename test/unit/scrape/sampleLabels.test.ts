/** Target-label merging (shared names arrays, honor_labels conflicts) and label string interning. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { internAscii } from '../../../src/scrape/expositionParser.ts';
import { withTargetLabels } from '../../../src/scrape/sampleLabels.ts';
import { Labels } from '../../../src/storage/labels.ts';

const target = Labels.fromObject({ instance: 'h:9100', job: 'node' });

describe('withTargetLabels', () => {
  it('merges sorted label sets and shares the names array between equal name lists', () => {
    const a = withTargetLabels(Labels.fromObject({ __name__: 'm', code: '200' }), target, false);
    const b = withTargetLabels(Labels.fromObject({ __name__: 'm', code: '500' }), target, false);
    assert.deepEqual(a.toObject(), { __name__: 'm', code: '200', instance: 'h:9100', job: 'node' });
    assert.deepEqual(b.toObject(), { __name__: 'm', code: '500', instance: 'h:9100', job: 'node' });
    assert.equal(a.labelNames(), b.labelNames(), 'one names array for both');
    assert.equal(a.key(), Labels.fromObject(a.toObject()).key());
  });

  it('on a shared name: exported_<name> without honor_labels, the scraped value with it', () => {
    const scraped = Labels.fromObject({ __name__: 'm', job: 'other', exported_job: 'x' });
    assert.deepEqual(withTargetLabels(scraped, target, false).toObject(), {
      __name__: 'm',
      exported_exported_job: 'other',
      exported_job: 'x',
      instance: 'h:9100',
      job: 'node',
    });
    assert.deepEqual(withTargetLabels(scraped, target, true).toObject(), { __name__: 'm', exported_job: 'x', instance: 'h:9100', job: 'other' });
  });
});

describe('internAscii', () => {
  it('returns equal strings for equal bytes, the same string while the slot holds it', () => {
    const buf = Buffer.from('code="200" code="200" code="201"');
    const x = internAscii(buf, 6, 9);
    assert.equal(x, '200');
    assert.equal(internAscii(buf, 17, 20), '200');
    assert.equal(internAscii(buf, 28, 31), '201');
    const long = Buffer.from('x'.repeat(100));
    assert.equal(internAscii(long, 0, 100), 'x'.repeat(100));
    assert.equal(internAscii(buf, 0, 0), '');
  });
});
