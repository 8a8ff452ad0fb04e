#!/usr/bin/env node
// Entry point. Runs the bundle built by `npm install` / `npm run build` (dist/promlite.mjs);
// without one (or with PROMLITE_FROM_SOURCE=1) it runs the TypeScript sources through tsx.
// Start it through bin/promlite, which sets the memory settings promlite is measured and
// shipped with; run directly, it works the same with node's defaults.
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
