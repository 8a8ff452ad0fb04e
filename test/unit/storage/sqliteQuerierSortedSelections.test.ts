import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Labels } from '../../../src/storage/labels.ts';
import { Matcher } from '../../../src/storage/matcher.ts';
import { openStorage, type SqliteStorage } from '../../../src/storage/sqliteStorage.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-sortedsel-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const up = [new Matcher('=', '__name__', 'up')];

function add(s: SqliteStorage, instances: string[], t: number): void {
  const app = s.appender();
  for (const i of instances) app.append(0, Labels.fromObject({ __name__: 'up', instance: i }), t, 1);
  app.commit();
}

function sortedInstances(s: SqliteStorage, mint = -Infinity, maxt = Infinity): string[] {
  const set = s.querier(mint, maxt).select(up, { sorted: true });
  const out: string[] = [];
  while (set.next()) out.push(set.at().labels.get('instance'));
  assert.equal(set.err(), null);
  return out;
}

// The querier remembers the label order of a selection; every change to the matching series must
// still come back sorted and complete.
test('a remembered selection order follows new, deleted and out-of-range series', () => {
  const s = openStorage({ path: path.join(root, 'a'), schedule: false });
  // Created out of label order, so id order differs from label order.
  add(s, ['m', 'c', 'x', 'a'], 1000);
  assert.deepEqual(sortedInstances(s), ['a', 'c', 'm', 'x']);
  assert.deepEqual(sortedInstances(s), ['a', 'c', 'm', 'x'], 'the same selection again');
  add(s, ['b', 'z'], 2000);
  assert.deepEqual(sortedInstances(s), ['a', 'b', 'c', 'm', 'x', 'z'], 'new series sort into place');
  s.deleteSeries([new Matcher('=', 'instance', 'c')]);
  assert.deepEqual(sortedInstances(s), ['a', 'b', 'm', 'x', 'z'], 'a deleted series is gone');
  assert.deepEqual(sortedInstances(s, 1500, 2500), ['b', 'z'], 'another time range selects fewer series');
  assert.deepEqual(sortedInstances(s), ['a', 'b', 'm', 'x', 'z'], 'and the full range all of them again');
  add(s, ['c'], 3000);
  assert.deepEqual(sortedInstances(s), ['a', 'b', 'c', 'm', 'x', 'z'], 'a series written again after deletion');
  s.close();
});
