/** gunzipBody (reused zlib context, pooled output) against zlib.gunzipSync, errors and limits. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, gunzipSync } from 'node:zlib';
import { gunzipBody, GunzipError, useFallbackForTests } from '../../../src/scrape/gunzip.ts';

const text = (n: number) => Array.from({ length: n }, (_, i) => `m{i="${i}"} ${i * 1.5}\n`).join('');

for (const fallback of [false, true]) {
  describe(`gunzipBody (${fallback ? 'gunzipSync fallback' : 'reused zlib context'})`, () => {
    useFallbackForTests(fallback);
    after(() => useFallbackForTests(false));

    it('inflates small and large bodies exactly, whatever the size hint', () => {
      useFallbackForTests(fallback);
      for (const [n, hint] of [[1, 0], [50, 10], [20000, 100], [20000, 1 << 20]] as const) {
        const plain = Buffer.from(text(n));
        const r = gunzipBody(gzipSync(plain), 0, hint);
        assert.ok(r.body.equals(plain), `n=${n} hint=${hint}`);
        r.release();
      }
    });

    it('inflates multi-member gzip like gunzipSync', () => {
      useFallbackForTests(fallback);
      const gz = Buffer.concat([gzipSync('a 1\n'), gzipSync('b 2\n')]);
      const r = gunzipBody(gz, 0, 0);
      assert.equal(r.body.toString(), gunzipSync(gz).toString());
      r.release();
    });

    it('rejects corrupt and truncated input, then works again', () => {
      useFallbackForTests(fallback);
      const gz = gzipSync(text(1000));
      assert.throws(() => gunzipBody(gz.subarray(0, gz.length - 20), 0, 0), (e: unknown) => e instanceof GunzipError && !e.tooLarge);
      assert.throws(() => gunzipBody(Buffer.from('not gzip at all'), 0, 0), (e: unknown) => e instanceof GunzipError && !e.tooLarge);
      const r = gunzipBody(gz, 0, 0);
      assert.equal(r.body.toString(), text(1000));
      r.release();
    });

    it('stops at the size limit (a 50 MB bomb against 1 MB) and accepts a body of exactly the limit', () => {
      useFallbackForTests(fallback);
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
      assert.throws(() => gunzipBody(bomb, 1 << 20, 0), (e: unknown) => e instanceof GunzipError && e.tooLarge && /limit: 1048576 bytes/.test(e.message));
      const plain = Buffer.from(text(100));
      const r = gunzipBody(gzipSync(plain), plain.length, 0);
      assert.ok(r.body.equals(plain));
      r.release();
      assert.throws(() => gunzipBody(gzipSync(plain), plain.length - 1, 0), (e: unknown) => e instanceof GunzipError && e.tooLarge);
    });
  });
}

describe('gunzipBody buffers', () => {
  it('a released buffer is reused; an unreleased body stays intact', () => {
    useFallbackForTests(false);
    const a = gunzipBody(gzipSync('first 1\n'), 0, 0);
    const b = gunzipBody(gzipSync('second 2\n'), 0, 0);
    assert.equal(a.body.toString(), 'first 1\n', 'b did not write into a');
    const bufA = a.body.buffer;
    a.release();
    a.release(); // twice is harmless
    const c = gunzipBody(gzipSync('third 3\n'), 0, 0);
    assert.equal(c.body.buffer, bufA, 'the pooled buffer came back');
    assert.equal(c.body.toString(), 'third 3\n');
    b.release();
    c.release();
  });
});
