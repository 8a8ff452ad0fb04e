// Alertmanager matcher strings, Go quoting, fingerprints and durations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMatchers, matchersString, sortMatchers, MatcherParseError } from '../../../src/notify/matchers.ts';
import { goQuote, labelSetString } from '../../../src/notify/goQuote.ts';
import { fingerprint } from '../../../src/notify/fingerprint.ts';
import { parseDuration, formatDuration } from '../../../src/config/duration.ts';
import { truncateRunes } from '../../../src/notify/truncate.ts';
import { goTime } from '../../../src/notify/templateData.ts';

const show = (s: string) => parseMatchers(s).map((m) => [m.name, m.type, m.value]);

test('matcher strings: quoted, unquoted, braces, commas inside quotes, escapes', () => {
  assert.deepEqual(show('alertname="Foo"'), [['alertname', '=', 'Foo']]);
  assert.deepEqual(show('{a="b", c=~"x|y",d!=e , f!~"g.*"}'), [['a', '=', 'b'], ['c', '=~', 'x|y'], ['d', '!=', 'e'], ['f', '!~', 'g.*']]);
  assert.deepEqual(show('a="b,c"'), [['a', '=', 'b,c']]);
  assert.deepEqual(show('a="quote \\" backslash \\\\ newline \\n"'), [['a', '=', 'quote " backslash \\ newline \n']]);
  assert.deepEqual(show('a=  spaced value  '), [['a', '=', 'spaced value']]);
  assert.deepEqual(show('a=""'), [['a', '=', '']]);
  assert.deepEqual(show(''), []);
  for (const bad of ['{{', 'a', '=b', 'a="b', 'a=b"c"', '1a=b', 'a=~"("']) {
    assert.throws(() => parseMatchers(bad), MatcherParseError, bad);
  }
});

test('route-key rendering sorts matchers and quotes like Go', () => {
  const ms = sortMatchers(parseMatchers('team="db", severity=~"crit|page", a!="x\\"y"'));
  assert.equal(matchersString(ms), '{a!="x\\"y",severity=~"crit|page",team="db"}');
  assert.equal(goQuote('tab\there ünï \x01'), '"tab\\there ünï \\x01"');
  assert.equal(labelSetString({ b: '2', a: '1' }), '{a="1", b="2"}');
});

test('fingerprints are Alertmanager\'s (FNV-1a over sorted pairs)', () => {
  assert.equal(fingerprint({ alertname: 'AlwaysFiring', replica: 'a', severity: 'page' }), 'aad2b99051fadecf');
  assert.equal(fingerprint({}), 'cbf29ce484222325');
  assert.notEqual(fingerprint({ a: 'bc' }), fingerprint({ ab: 'c' }));
});

test('durations and helpers', () => {
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('4h'), 14_400_000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('500ms'), 500);
  assert.throws(() => parseDuration('1.5h'), /not a valid duration string/);
  assert.throws(() => parseDuration('30m1h'), /not a valid duration string/);
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(truncateRunes('héllo wörld', 5), 'héll…');
  assert.equal(truncateRunes('short', 5), 'short');
  assert.equal(goTime(Date.UTC(2026, 10, 22, 18, 3, 58, 670)), '2026-11-22T18:03:58.67Z');
  assert.equal(goTime(Date.UTC(2026, 10, 22, 18, 5, 22)), '2026-11-22T18:05:22Z');
  assert.equal(goTime(0), '0001-01-01T00:00:00Z');
});
