#!/usr/bin/env node
// Builds what `promlite` runs: the server bundle (src → dist/promlite.mjs) and the web UI
// (web/src → web/dist). Runs on `npm install` (prepare), before `npm start` and before the
// tests; takes about a second.
//
// Memory is why the bundle looks the way it does (measured with `npm run bench:scrape`):
// - Running a bundle instead of TypeScript through a loader saves the loader thread (~50 MB).
// - V8 keeps every script's source text in the heap, two bytes per character as soon as one
//   character is not ASCII. So the bundle is whitespace-minified (comments go; identifiers
//   stay, so stack traces keep their names) and ASCII-only (checked below).
// - chevrotain is inlined from its single-file build: its package entry loads ~300 lodash-es
//   modules, ~20 MB of RSS for module records alone. Other dependencies stay imports from
//   node_modules (better-sqlite3 is native; pino resolves its transports at run time).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'promlite.mjs');

const inlineChevrotain = {
  name: 'inline-chevrotain',
  setup(b) {
    b.onResolve({ filter: /^chevrotain$/ }, () => ({ path: join(root, 'node_modules', 'chevrotain', 'lib', 'chevrotain.mjs') }));
  },
};

await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [inlineChevrotain],
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  sourcemap: 'linked',
  outfile,
  logLevel: 'warning',
});

const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(outfile, 'latin1'));
if (nonAscii) {
  const at = nonAscii.index;
  throw new Error(`dist/promlite.mjs has a non-ASCII byte at offset ${at} (V8 would hold the whole source as UTF-16): …${readFileSync(outfile, 'latin1').slice(at - 40, at + 10)}…`);
}
await import('./build-web.mjs');
