import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { relabelConfig, type RelabelConfig } from '../../../src/config/relabelConfig.ts';
import { expandTemplate, hashmod, relabel } from '../../../src/scrape/relabel.ts';
import { Labels } from '../../../src/storage/labels.ts';

const L = (o: Record<string, string>) => Labels.fromObject(o);
const run = (input: Record<string, string>, ...cfgs: Array<Parameters<typeof relabelConfig>[0]>) =>
  relabel(L(input), cfgs.map((c) => relabelConfig(c)))?.toObject() ?? null;

describe('relabel: replace', () => {
  it('uses the defaults: separator ;, regex (.*), replacement $1', () => {
    assert.deepEqual(run({ a: 'foo', b: 'bar' }, { sourceLabels: ['a', 'b'], targetLabel: 'c' }), { a: 'foo', b: 'bar', c: 'foo;bar' });
  });

  it('anchors the regex at both ends', () => {
    // `f` alone would match inside "foo" unanchored; anchored it does not match, so nothing changes.
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'f', targetLabel: 'b', replacement: 'x' }), { a: 'foo' });
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'f.*', targetLabel: 'b', replacement: 'x' }), { a: 'foo', b: 'x' });
  });

  it('expands $1, ${1}, named groups and $$', () => {
    assert.deepEqual(
      run({ a: 'foo-bar' }, { sourceLabels: ['a'], regex: '(?P<first>\\w+)-(\\w+)', targetLabel: 'b', replacement: '${2}_$first$$' }),
      { a: 'foo-bar', b: 'bar_foo$' },
    );
  });

  it('treats $1x as the (absent) group "1x", as Go does', () => {
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$1x' }), { a: 'foo' });
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '${1}x' }), { a: 'foo', b: 'fx' });
  });

  it('expands the target label from groups', () => {
    assert.deepEqual(
      run({ __meta_x: 'env=prod' }, { sourceLabels: ['__meta_x'], regex: '(\\w+)=(\\w+)', targetLabel: '${1}', replacement: '$2' }),
      { __meta_x: 'env=prod', env: 'prod' },
    );
  });

  it('skips an expanded target label that is not a valid name', () => {
    assert.deepEqual(run({ a: '1bad' }, { sourceLabels: ['a'], targetLabel: '$1', replacement: 'v' }), { a: '1bad' });
  });

  it('deletes the target when the replacement expands to empty', () => {
    assert.deepEqual(run({ a: 'foo', b: 'old' }, { sourceLabels: ['c'], regex: '(.*)', targetLabel: 'b' }), { a: 'foo' });
  });

  it('reads a missing source label as empty', () => {
    assert.deepEqual(run({ a: 'x' }, { sourceLabels: ['nope'], regex: '', targetLabel: 'b', replacement: 'was-empty' }), { a: 'x', b: 'was-empty' });
  });

  it('lets . match a newline', () => {
    assert.deepEqual(run({ a: 'x\ny' }, { sourceLabels: ['a'], regex: 'x.y', targetLabel: 'b', replacement: 'ok' }), { a: 'x\ny', b: 'ok' });
  });

  it('sees the result of the previous step', () => {
    assert.deepEqual(
      run({ a: 'foo' }, { sourceLabels: ['a'], targetLabel: 'b', replacement: '$1-1' }, { sourceLabels: ['b'], targetLabel: 'c', replacement: '$1-2' }),
      { a: 'foo', b: 'foo-1', c: 'foo-1-2' },
    );
  });
});

describe('relabel: keep / drop', () => {
  it('keep keeps matching sets and drops others', () => {
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'f.*', action: 'keep' }), { a: 'foo' });
    assert.equal(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'b.*', action: 'keep' }), null);
  });

  it('drop drops matching sets', () => {
    assert.equal(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'f.*', action: 'drop' }), null);
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['a'], regex: 'b.*', action: 'drop' }), { a: 'foo' });
  });

  it('keep on an absent label matches the empty string', () => {
    assert.equal(run({ a: 'foo' }, { sourceLabels: ['b'], regex: '.+', action: 'keep' }), null);
    assert.deepEqual(run({ a: 'foo' }, { sourceLabels: ['b'], regex: '', action: 'keep' }), { a: 'foo' });
  });

  it('stops at the first drop', () => {
    assert.equal(run({ a: 'foo' }, { sourceLabels: ['a'], action: 'drop', regex: 'foo' }, { sourceLabels: ['a'], targetLabel: 'b' }), null);
  });
});

describe('relabel: keepequal / dropequal', () => {
  it('keepequal keeps when source equals target', () => {
    assert.deepEqual(run({ a: 'x', b: 'x' }, { sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }), { a: 'x', b: 'x' });
    assert.equal(run({ a: 'x', b: 'y' }, { sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }), null);
  });

  it('dropequal drops when source equals target', () => {
    assert.equal(run({ a: 'x', b: 'x' }, { sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }), null);
    assert.deepEqual(run({ a: 'x', b: 'y' }, { sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }), { a: 'x', b: 'y' });
  });
});

describe('relabel: hashmod', () => {
  /** sum64 of Prometheus: the last 8 digest bytes as a big-endian integer. */
  const fromDigest = (hex: string, mod: number) => Number(BigInt('0x' + hex.slice(16)) % BigInt(mod));

  it('matches Prometheus relabel_test.go ("baz" mod 1000 = 976)', () => {
    assert.deepEqual(run({ a: 'foo', c: 'baz' }, { sourceLabels: ['c'], targetLabel: 'd', modulus: 1000, action: 'hashmod' }), {
      a: 'foo',
      c: 'baz',
      d: '976',
    });
  });

  it('is sum64(md5) % modulus for known MD5 digests', () => {
    const known: Array<[string, string]> = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['foo', 'acbd18db4cc2f85cedef654fccc4a4d8'],
      ['baz', '73feffa4b7f6bb68e44cf984c85f6e88'],
    ];
    for (const [value, digest] of known) {
      for (const mod of [1, 2, 7, 1000, 2 ** 31]) assert.equal(hashmod(value, mod), fromDigest(digest, mod), `${value} % ${mod}`);
    }
  });

  it('hashes the joined source labels', () => {
    const d = run({ a: 'a', b: 'b' }, { sourceLabels: ['a', 'b'], targetLabel: 'h', modulus: 100, action: 'hashmod' });
    assert.equal(d?.h, String(hashmod('a;b', 100)));
  });
});

describe('relabel: labelmap / labeldrop / labelkeep', () => {
  it('labelmap copies matching names through the replacement', () => {
    assert.deepEqual(
      run({ __meta_kubernetes_pod_label_app: 'api', __meta_other: 'x', job: 'j' }, { regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }),
      { __meta_kubernetes_pod_label_app: 'api', __meta_other: 'x', app: 'api', job: 'j' },
    );
  });

  it('labelmap with a custom replacement', () => {
    assert.deepEqual(run({ foo: '1', bar: '2' }, { regex: '(f.*)', replacement: 'x_$1', action: 'labelmap' }), { foo: '1', bar: '2', x_foo: '1' });
  });

  it('labeldrop removes matching names', () => {
    assert.deepEqual(run({ a: '1', ab: '2', b: '3' }, { regex: 'a.*', action: 'labeldrop' }), { b: '3' });
  });

  it('labelkeep keeps only matching names', () => {
    assert.deepEqual(run({ a: '1', ab: '2', b: '3' }, { regex: 'a.*', action: 'labelkeep' }), { a: '1', ab: '2' });
  });
});

describe('relabel: lowercase / uppercase', () => {
  it('lowercase and uppercase the joined source value into the target', () => {
    assert.deepEqual(run({ a: 'FoO', b: 'bAr' }, { sourceLabels: ['a', 'b'], targetLabel: 'lower', action: 'lowercase' }), {
      a: 'FoO',
      b: 'bAr',
      lower: 'foo;bar',
    });
    assert.deepEqual(run({ a: 'FoO' }, { sourceLabels: ['a'], targetLabel: 'a', action: 'uppercase' }), { a: 'FOO' });
  });
});

describe('relabel: validation', () => {
  const bad: Array<[Parameters<typeof relabelConfig>[0], RegExp]> = [
    [{ action: 'hashmod', targetLabel: 'x' }, /requires non-zero modulus/],
    [{ action: 'replace' }, /requires 'target_label' value/],
    [{ action: 'lowercase', targetLabel: '${1}' }, /invalid 'target_label'/],
    [{ action: 'labelmap', replacement: 'a-b' }, /invalid 'replacement'/],
    [{ action: 'labeldrop', sourceLabels: ['a'] }, /requires only 'regex'/],
    [{ action: 'keepequal', targetLabel: 'b', separator: ',' }, /requires only 'source_labels'/],
    [{ action: 'bogus' as RelabelConfig['action'] }, /unknown relabel action "bogus"/],
    [{ regex: '(' }, /invalid regular expression/],
    [{ sourceLabels: ['a-b'], targetLabel: 'x' }, /"a-b" is not a valid label name/],
  ];
  for (const [cfg, re] of bad) {
    it(`rejects ${JSON.stringify(cfg)}`, () => assert.throws(() => relabelConfig(cfg), re));
  }
});

describe('expandTemplate', () => {
  const groups = { byIndex: ['whole', 'one', null], byName: { name: 1 } };
  it('follows Go Regexp.Expand', () => {
    assert.equal(expandTemplate('$1', groups), 'one');
    assert.equal(expandTemplate('${1}', groups), 'one');
    assert.equal(expandTemplate('$name', groups), 'one');
    assert.equal(expandTemplate('$2', groups), '');
    assert.equal(expandTemplate('$9', groups), '');
    assert.equal(expandTemplate('$$1', groups), '$1');
    assert.equal(expandTemplate('a$', groups), 'a$');
    assert.equal(expandTemplate('${1', groups), '${1');
    assert.equal(expandTemplate('$01', groups), '');
    assert.equal(expandTemplate('x${0}y', groups), 'xwholey');
  });
});

describe('relabel: fast paths', () => {
  it('returns the input object when nothing changes', () => {
    const input = L({ a: 'x', b: 'y' });
    const cfgs = [relabelConfig({ sourceLabels: ['a'], regex: 'z', action: 'drop' }), relabelConfig({ sourceLabels: ['a'], targetLabel: 'b', replacement: 'y' })];
    assert.equal(relabel(input, cfgs), input);
  });

  it('literal, prefix and alternation shortcuts agree with the regex engine', async () => {
    const fc = (await import('fast-check')).default;
    const { RelabelRegex } = await import('../../../src/config/relabelConfig.ts');
    const patterns = ['', 'foo', 'foo.*', 'a|bc|', 'go_gc_.*', '.*', '(.*)', 'x-y', 'é.*'];
    const alphabet = fc.constantFrom('a', 'b', 'c', 'f', 'o', 'x', '-', 'y', 'g', '_', '.', '\n', 'é', '|');
    for (const p of patterns) {
      const fast = new RelabelRegex(p);
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join('')), fc.constantFrom('', 'foo', 'go_gc_x', 'bc', 'x-y', 'é'), (s, prefix) => {
          const v = prefix + s;
          assert.equal(fast.matches(v), fast.re.matches(v), `${JSON.stringify(p)} on ${JSON.stringify(v)}`);
        }),
        { seed: 7, numRuns: 200 },
      );
    }
  });
});
