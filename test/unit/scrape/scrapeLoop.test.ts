import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OM, loopWith, reportValues, samplesOf, scrapeConfig } from './helpers.ts';

const T0 = 1_700_000_000_000;

describe('scrape loop', () => {
  it('attaches target labels, writes report series and counts added series', async () => {
    const { storage, scrape } = loopWith(scrapeConfig());
    await scrape('# TYPE a counter\na{x="1"} 1\na{x="2"} 2\n');
    await scrape('a{x="1"} 3\na{x="2"} 4\na{x="3"} 5\n');
    const a = samplesOf(storage, 'a');
    assert.deepEqual(a.get('a{env="prod", instance="host:9100", job="job", x="1"}'), [[T0, 1], [T0 + 10000, 3]]);
    assert.deepEqual(reportValues(storage, 'up'), [1, 1]);
    assert.deepEqual(reportValues(storage, 'scrape_samples_scraped'), [2, 3]);
    assert.deepEqual(reportValues(storage, 'scrape_samples_post_metric_relabeling'), [2, 3]);
    assert.deepEqual(reportValues(storage, 'scrape_series_added'), [2, 1]);
    assert.equal(samplesOf(storage, 'scrape_duration_seconds').size, 1);
  });

  it('writes stale markers for series that vanish, and only once', async () => {
    const { storage, scrape } = loopWith(scrapeConfig());
    await scrape('a{x="1"} 1\na{x="2"} 2\n');
    await scrape('a{x="1"} 1\n');
    await scrape('a{x="1"} 1\n');
    const gone = samplesOf(storage, 'a').get('a{env="prod", instance="host:9100", job="job", x="2"}');
    assert.deepEqual(gone, [[T0, 2], [T0 + 10000, 'stale']]);
  });

  it('treats one series spelled two ways as the same series (no stale marker)', async () => {
    const { storage, scrape } = loopWith(scrapeConfig());
    await scrape('a{x="1",y="2"} 1\n');
    await scrape('a{y="2", x="1"} 2\n');
    const s = [...samplesOf(storage, 'a').values()];
    assert.deepEqual(s, [[[T0, 1], [T0 + 10000, 2]]]);
  });

  it('on a failed scrape: up=0, the error on the target, stale markers for every series, stored data untouched', async () => {
    const { storage, scrape, target } = loopWith(scrapeConfig());
    await scrape('a{x="1"} 1\nb 2\n');
    await scrape('a{x="1"} 7\nb{ 3\n');
    assert.equal(target.state.health, 'down');
    assert.match(target.state.lastError, /^line 2: /);
    assert.deepEqual(reportValues(storage, 'up'), [1, 0]);
    // The partial batch (a=7) was rolled back; both series got stale markers instead.
    assert.deepEqual([...samplesOf(storage, 'a').values()][0], [[T0, 1], [T0 + 10000, 'stale']]);
    assert.deepEqual([...samplesOf(storage, 'b').values()][0], [[T0, 2], [T0 + 10000, 'stale']]);
    await scrape('a{x="1"} 8\n');
    assert.equal(target.state.health, 'up');
    assert.equal(target.state.lastError, '');
    assert.deepEqual([...samplesOf(storage, 'a').values()][0].at(-1), [T0 + 20000, 8]);
    assert.deepEqual(reportValues(storage, 'scrape_series_added'), [2, 0, 1]);
  });

  it('fails cleanly on malformed payloads (bad escape, invalid UTF-8, NaN spelling, garbage), keeping stored data', async () => {
    const bad: Array<[string | Buffer, RegExp]> = [
      ['a{x="1\\"} 1\n', /line 1: unterminated label value|line 1: expected/],
      [Buffer.concat([Buffer.from('a{x="'), Buffer.from([0xc3, 0x28]), Buffer.from('"} 1\n')]), /line 1: invalid UTF-8 in value of label "x"/],
      ['a +NaN\n', /line 1: invalid sample value "\+NaN"/],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /line 1: .* is not a valid start token/],
      ['a 1\nb{x="2"', /line 2: unexpected end of input in label set/],
    ];
    for (const [body, re] of bad) {
      const { storage, scrape, target } = loopWith(scrapeConfig());
      await scrape('a{x="1"} 1\n');
      await scrape(body);
      assert.equal(target.state.health, 'down');
      assert.match(target.state.lastError, re);
      assert.deepEqual([...samplesOf(storage, 'a').values()][0], [[T0, 1], [T0 + 10000, 'stale']]);
      assert.deepEqual(reportValues(storage, 'up'), [1, 0]);
    }
  });

  it('fails the scrape on an HTTP error with the message', async () => {
    const { storage, scrape, target } = loopWith(scrapeConfig());
    await scrape(new Error('server returned HTTP status 500 Internal Server Error'));
    assert.equal(target.state.lastError, 'server returned HTTP status 500 Internal Server Error');
    assert.deepEqual(reportValues(storage, 'up'), [0]);
  });

  it('fails the scrape on a duplicate series', async () => {
    const { storage, scrape, target } = loopWith(scrapeConfig());
    await scrape('a{x="1"} 1\na{x="1"} 2\n');
    assert.match(target.state.lastError, /line 2: duplicate series in the same scrape: a\{.*x="1"\}/);
    assert.equal(samplesOf(storage, 'a').size, 0);
  });

  it('renames conflicting scraped labels to exported_<name>, or keeps them with honor_labels', async () => {
    const plain = loopWith(scrapeConfig());
    await plain.scrape('a{job="other",exported_job="x",instance="i"} 1\n');
    assert.deepEqual([...samplesOf(plain.storage, 'a').keys()], [
      'a{env="prod", exported_exported_job="other", exported_instance="i", exported_job="x", instance="host:9100", job="job"}',
    ]);
    const honor = loopWith(scrapeConfig('honor_labels: true'));
    await honor.scrape('a{job="other",instance="i"} 1\n');
    assert.deepEqual([...samplesOf(honor.storage, 'a').keys()], ['a{env="prod", instance="i", job="other"}']);
  });

  it('uses explicit timestamps only with honor_timestamps, and never marks those series stale', async () => {
    const honored = loopWith(scrapeConfig());
    await honored.scrape('a 1 1600000000000\nb 1\n');
    await honored.scrape('\n');
    assert.deepEqual([...samplesOf(honored.storage, 'a').values()][0], [[1600000000000, 1]]);
    assert.deepEqual([...samplesOf(honored.storage, 'b').values()][0], [[T0, 1], [T0 + 10000, 'stale']]);
    const ignored = loopWith(scrapeConfig('honor_timestamps: false'));
    await ignored.scrape('a 1 1600000000000\n');
    assert.deepEqual([...samplesOf(ignored.storage, 'a').values()][0], [[T0, 1]]);
  });

  it('marks a series stale once it vanishes, also after scrapes that rejected its sample as too far ahead', async () => {
    const { storage, scrape } = loopWith(scrapeConfig());
    const future = T0 + 3_600_000;
    await scrape(`a 1 ${future}\nb 1\n`);
    await scrape(`a 2 ${future}\nb 1\n`);
    await scrape('a 3\nb 1\n');
    await scrape('b 1\n');
    assert.deepEqual([...samplesOf(storage, 'a').values()][0], [[T0 + 20000, 3], [T0 + 30000, 'stale']]);
  });

  it('applies metric_relabel_configs (drop and rewrite) and counts post-relabel samples', async () => {
    const cfg = scrapeConfig(`metric_relabel_configs:
  - source_labels: [__name__]
    regex: drop_.*
    action: drop
  - source_labels: [x]
    target_label: y`);
    const { storage, scrape } = loopWith(cfg);
    await scrape('a{x="1"} 1\ndrop_me 2\n');
    await scrape('a{x="1"} 1\ndrop_me 2\n');
    assert.deepEqual([...samplesOf(storage, 'a').keys()], ['a{env="prod", instance="host:9100", job="job", x="1", y="1"}']);
    assert.equal(samplesOf(storage, 'drop_me').size, 0);
    assert.deepEqual(reportValues(storage, 'scrape_samples_scraped'), [2, 2]);
    assert.deepEqual(reportValues(storage, 'scrape_samples_post_metric_relabeling'), [1, 1]);
  });

  it('enforces sample_limit and the label limits, failing the scrape with a reason', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['sample_limit: 2', 'a 1\nb 2\nc 3\n', /sample limit exceeded/],
      ['label_limit: 4', 'a{x="1",y="2"} 1\n', /label_limit exceeded \(metric: a, number of labels: 6, limit: 4\)/],
      ['label_name_length_limit: 10', 'a{averylongname="1"} 1\n', /label_name_length_limit exceeded .*label name: averylongname/],
      ['label_value_length_limit: 5', 'a{x="toolongvalue"} 1\n', /label_value_length_limit exceeded/],
    ];
    for (const [yaml, body, re] of cases) {
      const { storage, scrape, target } = loopWith(scrapeConfig(yaml));
      await scrape(body);
      assert.match(target.state.lastError, re, yaml);
      assert.deepEqual(reportValues(storage, 'up'), [0], yaml);
      assert.equal(samplesOf(storage, 'a').size, 0, yaml);
    }
  });

  it('keeps HELP/TYPE/UNIT metadata per target', async () => {
    const { loop, scrape } = loopWith(scrapeConfig());
    await scrape('# HELP a_seconds How long.\n# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n', OM);
    assert.deepEqual(loop.cache.metadata().get('a_seconds'), { type: 'gauge', help: 'How long.', unit: 'seconds' });
    await scrape('# HELP a_seconds How long.\n# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n', OM);
    assert.equal(loop.cache.metadata().size, 1);
  });

  it('writes stale markers for all series and report series when stopped as removed', async () => {
    const { storage, scrape, loop, clock } = loopWith(scrapeConfig());
    await scrape('a 1\n');
    loop.stop(true);
    assert.deepEqual([...samplesOf(storage, 'a').values()][0], [[T0, 1], [clock.now(), 'stale']]);
    assert.deepEqual(reportValues(storage, 'up'), [1, 'stale']);
  });
});
