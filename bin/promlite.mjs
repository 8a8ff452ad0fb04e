#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=2 --heap-growing-percent=50 --no-sparkplug
// The line above is part of how promlite runs (npm start, the Dockerfile and the tests' server
// launcher all execute this file through it). Each setting trades little CPU for RSS, measured
// with `npm run bench:scrape` and `bench:api`: a 2 MB young generation instead of Node's 16 MB
// (-20 MB; little survives a scrape or a query), old-generation GC once the heap has grown by
// half instead of up to 4x (API load peak 208 -> 130 MiB, same CPU per request, and no hard
// cap that a big query could hit), one malloc arena for all threads instead of one per thread
// (-6 MB for two; one more -2 MB, as the second held the compiler threads' freed zones; CPU
// per sample the same), no baseline (Sparkplug) compiler: its machine code for every warm
// function was 2-3 MB of heap, while hot code is optimized either way (bench:api 452 rps,
// 2.62 ms CPU/request without it, 436 and 2.71 with it; bench:scrape CPU/sample within
// run-to-run noise).
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
