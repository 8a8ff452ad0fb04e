import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { everyAligned } from '../../../src/storage/maintenanceSchedule.ts';

describe('everyAligned', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 7 * 60_000 + 12_345 }));
  afterEach(() => mock.timers.reset());

  it('runs at every multiple of the period since the epoch, as */5 * * * * would', () => {
    const runs: number[] = [];
    const job = everyAligned(5 * 60_000, () => runs.push(Date.now()));
    mock.timers.tick(3 * 60_000 - 12_346);
    assert.deepEqual(runs, [], 'nothing before 10:00');
    mock.timers.tick(1);
    mock.timers.tick(5 * 60_000);
    mock.timers.tick(5 * 60_000);
    assert.deepEqual(runs, [10 * 60_000, 15 * 60_000, 20 * 60_000]);
    job.stop();
  });

  it('runs no more once stopped, and keeps its period after a job that threw', () => {
    let n = 0;
    const job = everyAligned(1000, () => {
      n++;
      throw new Error('job failed');
    });
    assert.throws(() => mock.timers.tick(655), /job failed/);
    assert.throws(() => mock.timers.tick(1000), /job failed/);
    assert.equal(n, 2);
    job.stop();
    mock.timers.tick(10_000);
    assert.equal(n, 2);
  });

  it('refuses a period that is not positive', () => {
    assert.throws(() => everyAligned(0, () => {}), /must be positive/);
    assert.throws(() => everyAligned(NaN, () => {}), /must be positive/);
  });
});
