// Silence lifecycle rules and the dedup decision table (Alertmanager's DedupStage.needsUpdate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createNotifyTables } from '../../../src/notify/notifyDb.ts';
import { Silences, SilenceError, silenceState } from '../../../src/notify/silences.ts';
import { needsUpdate } from '../../../src/notify/stages.ts';

test('silences: states, in-place updates, replacement, expiry, persistence, gc', () => {
  const db = new Database(':memory:');
  createNotifyTables(db);
  let now = 1_000_000;
  const s = new Silences(db, () => now);
  const m = [{ name: 'job', value: 'api|web', isRegex: true, isEqual: true }];
  const id = s.set({ matchers: m, startsAt: now + 1000, endsAt: now + 5000, createdBy: 'a', comment: 'c' });
  assert.equal(silenceState(s.get(id)!, now), 'pending');
  assert.equal(s.mutes({ job: 'api' }), false, 'pending silences mute nothing');
  now += 1000;
  assert.deepEqual(s.mutedBy({ job: 'api' }), [id]);
  assert.equal(s.mutes({ job: 'db' }), false);
  // Active: extending the end keeps the id; moving the start does not.
  assert.equal(s.set({ id, matchers: m, startsAt: now - 1000 + 1000, endsAt: now + 9000, createdBy: 'a', comment: 'c' }), id);
  const id2 = s.set({ id, matchers: m, startsAt: now + 500, endsAt: now + 9000, createdBy: 'a', comment: 'moved' });
  assert.notEqual(id2, id);
  assert.equal(silenceState(s.get(id)!, now), 'expired');
  // Survives a reopen.
  const again = new Silences(db, () => now);
  assert.equal(again.get(id2)?.comment, 'moved');
  // Validation.
  assert.throws(() => s.set({ matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }], startsAt: now, endsAt: now + 1, createdBy: '', comment: '' }), /must not match the empty string/);
  assert.throws(() => s.set({ matchers: m, startsAt: now, endsAt: now, createdBy: '', comment: '' }), /start time must be before end time/);
  assert.throws(() => s.set({ matchers: [{ name: 'bad-name', value: 'x', isRegex: false, isEqual: true }], startsAt: now, endsAt: now + 1, createdBy: '', comment: '' }), /invalid label matcher 0: invalid label name "bad-name"/);
  assert.throws(() => s.set({ matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }], startsAt: now, endsAt: now + 1, createdBy: '', comment: '' }), /invalid matcher/);
  assert.throws(() => s.set({ id: 'nope', matchers: m, startsAt: now, endsAt: now + 1, createdBy: '', comment: '' }), (e) => e instanceof SilenceError && e.kind === 'notFound');
  s.expire(id2);
  assert.throws(() => s.expire(id2), /already expired/);
  assert.throws(() => s.expire('nope'), /silence not found/);
  now += 10_000;
  assert.equal(s.gc(now), 2);
  assert.equal(s.list().length, 0);
});

test('dedup: needsUpdate decision table', () => {
  const e = (firing: string[], resolved: string[], ts: number) => ({ firing: new Set(firing), resolved: new Set(resolved), timestamp: ts });
  const H = 3_600_000;
  const now = 10 * H;
  const rows: [ReturnType<typeof e> | undefined, string[], string[], boolean, boolean][] = [
    [undefined, ['a'], [], true, true],
    [undefined, [], ['a'], true, false], // only resolved, never notified
    [e(['a'], [], now - 1), ['a', 'b'], [], true, true], // new firing alert
    [e(['a', 'b'], [], now - 1), ['a'], ['b'], true, true], // b resolved, send_resolved
    [e(['a', 'b'], [], now - 1), ['a'], ['b'], false, false], // b resolved, no send_resolved
    [e(['a'], [], now - 1), [], ['a'], false, true], // all resolved: always tell (clears the log)
    [e([], ['a'], now - 1), [], ['a'], true, false], // already told it is resolved
    [e(['a'], [], now - 4 * H), ['a'], [], true, false], // exactly repeat_interval ago: not yet
    [e(['a'], [], now - 4 * H - 1), ['a'], [], true, true], // past repeat_interval
  ];
  for (const [entry, firing, resolved, sendResolved, want] of rows) {
    assert.equal(needsUpdate(entry, firing, resolved, sendResolved, 4 * H, now), want, JSON.stringify([entry && [...entry.firing], firing, resolved, sendResolved]));
  }
});
