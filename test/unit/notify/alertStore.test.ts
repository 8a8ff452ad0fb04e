// Alerts from several Prometheus servers merge by fingerprint with Alertmanager's rules, and
// the store survives a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createNotifyTables } from '../../../src/notify/notifyDb.ts';
import { AlertStore, mergeAlerts, type StoredAlert } from '../../../src/notify/alertStore.ts';
import { fingerprint } from '../../../src/notify/fingerprint.ts';

const labels = { alertname: 'HA', job: 'x' };
const fp = fingerprint(labels);
const a = (o: Partial<StoredAlert>): StoredAlert => ({ fingerprint: fp, labels, annotations: {}, startsAt: 1000, endsAt: 5000, generatorURL: '', updatedAt: 100, timeout: false, ...o });

test('merge: earliest start, latest explicit end, newer annotations', () => {
  const now = 2000;
  // Replica b started later and has a shorter valid-until: the merged alert keeps a's start and end.
  const m = mergeAlerts(a({ startsAt: 1000, endsAt: 6000, updatedAt: 100 }), a({ startsAt: 1500, endsAt: 5000, updatedAt: 200, annotations: { v: 'new' } }), now);
  assert.equal(m.startsAt, 1000);
  assert.equal(m.endsAt, 6000);
  assert.deepEqual(m.annotations, { v: 'new' });
  // A timeout end (resolve_timeout) never overrides a newer explicit end.
  const t = mergeAlerts(a({ endsAt: 9000, timeout: true, updatedAt: 100 }), a({ endsAt: 5000, updatedAt: 200 }), now);
  assert.equal(t.endsAt, 5000);
  // Resolved by the newer alert: the resolution stands.
  const r = mergeAlerts(a({ endsAt: 6000, updatedAt: 100 }), a({ endsAt: 1800, updatedAt: 200 }), now);
  assert.equal(r.endsAt, 1800);
});

test('store: merge on put, persistence, gc of resolved alerts', () => {
  const db = new Database(':memory:');
  createNotifyTables(db);
  const store = new AlertStore(db);
  store.put([a({ startsAt: 1000, endsAt: 6000, updatedAt: 100 })], 2000);
  const [m] = store.put([a({ startsAt: 1500, endsAt: 5000, updatedAt: 200 })], 2000);
  assert.equal(m.startsAt, 1000);
  assert.equal(m.endsAt, 6000);
  const reopened = new AlertStore(db);
  assert.deepEqual(reopened.get(fp), m);
  assert.deepEqual(reopened.gc(6000), []);
  assert.deepEqual(reopened.gc(6001), [fp]);
  assert.equal(new AlertStore(db).list().length, 0);
});
