import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../../../src/storage/sqliteStorage.ts';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashWriter.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'promlite-lock-'));
let child: ReturnType<typeof spawn> | undefined;
after(() => {
  child?.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('storage directory lock', () => {
  it('refuses a directory held by a live process and takes over a dead one', async () => {
    const dir = path.join(root, 'db');
    child = spawn(process.execPath, ['--import', 'tsx', writer, dir, '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      child!.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
    });
    assert.throws(() => openStorage({ path: dir, schedule: false }), new RegExp(`in use by process ${child.pid}`));
    const exited = new Promise((r) => child!.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const s = openStorage({ path: dir, schedule: false });
    assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8').trim(), String(process.pid));
    s.close();
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'released on close');
  });
});
