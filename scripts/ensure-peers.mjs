#!/usr/bin/env node
// Makes sure the real peers the interop tests run against are installed (Debian packages:
// Prometheus 2.42 + promtool, Alertmanager 0.25 + amtool, node_exporter, Chromium), so that
// `npm install && npm test` is all the set-up a fresh machine needs. Installs them with
// apt-get when running as root; otherwise says what to install and fails.
import { spawnSync } from 'node:child_process';

const BINARIES = ['prometheus', 'promtool', 'prometheus-alertmanager', 'amtool', 'prometheus-node-exporter', 'chromium', 'openssl'];
const PACKAGES = ['prometheus', 'prometheus-alertmanager', 'prometheus-node-exporter', 'chromium', 'openssl'];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = BINARIES.filter((b) => !has(b));
if (missing.length === 0) process.exit(0);

const canApt = process.getuid?.() === 0 && has('apt-get');
if (!canApt) {
  console.error(`missing test peers: ${missing.join(', ')}\ninstall them with: sudo apt-get install -y ${PACKAGES.join(' ')}`);
  process.exit(1);
}
console.error(`installing test peers (${missing.join(', ')}) with apt-get ...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...PACKAGES]]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
