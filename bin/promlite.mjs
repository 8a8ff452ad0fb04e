#!/usr/bin/env -S node --max-semi-space-size=2
// The V8 flags on the line above are part of how promlite runs (npm start, the Dockerfile and
// the tests' server launcher read them from here): a 2 MB young generation instead of Node's
// 16 MB keeps ~20 MB of RSS that a metrics server never needs; scavenges stay cheap because
// little survives a scrape or a query.
// Entry point. Runs the bundle built by `npm install` / `npm run build` (dist/promlite.mjs);
// without one (or with PROMLITE_FROM_SOURCE=1) it runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/promlite.mjs', import.meta.url);
let main;
if (existsSync(bundle) && !process.env.PROMLITE_FROM_SOURCE) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
