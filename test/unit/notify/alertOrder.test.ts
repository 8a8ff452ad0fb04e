import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareAlerts } from '../../../src/notify/dispatcher.ts';

test('alerts in a notification are ordered as Alertmanager orders them (job, instance, label set)', () => {
  const a = (labels: Record<string, string>) => ({ labels });
  const alerts = [
    a({ alertname: 'X', job: 'c' }),
    a({ alertname: 'X' }),
    a({ alertname: 'X', job: 'a', instance: 'i2' }),
    a({ alertname: 'X', job: 'b' }),
    a({ alertname: 'X', job: 'a', instance: 'i1' }),
    a({ alertname: 'Y', job: 'a', instance: 'i1' }),
    a({ alertname: 'W' }),
  ];
  assert.deepEqual(alerts.sort(compareAlerts).map((x) => `${x.labels.job ?? '-'}/${x.labels.instance ?? '-'}/${x.labels.alertname}`), [
    'a/i1/X',
    'a/i1/Y',
    'a/i2/X',
    'b/-/X',
    'c/-/X',
    '-/-/W',
    '-/-/X',
  ]);
});
