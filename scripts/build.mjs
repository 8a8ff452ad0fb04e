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
//   modules, ~20 MB of RSS for module records alone.
// - The dependencies loaded at startup (fastify, yaml, prom-client, re2js, snappyjs and theirs)
//   are bundled too: as ~340 CommonJS modules from node_modules they cost a module record,
//   wrapper closure and path strings each, and their unminified sources (1.3 MB) stay in the
//   heap. Bundled: idle server heap 12.3 -> 11.7 MB, RSS -1.5..-3 MB. What stays external:
//   better-sqlite3 (native), pino (resolves its transports at run time), what is loaded only
//   on use (nodemailer, protobufjs, bcryptjs: bundling would keep their text in the heap
//   anyway), and the schema compilers fastify requires only for routes with schemas, which
//   promlite has none of (app.ts).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'promlite.mjs');

const EXTERNAL = [
  'better-sqlite3',
  'pino',
  'nodemailer',
  'protobufjs',
  'bcryptjs',
  // fastify's schema compilers and inject(), required lazily and never by promlite.
  'ajv',
  'ajv-formats',
  'fast-json-stringify',
  'fast-uri',
  'json-schema-ref-resolver',
  'light-my-request',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  '@fastify/merge-json-schemas',
];

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
  external: EXTERNAL,
  plugins: [inlineChevrotain],
  // Bundled CommonJS dependencies require node builtins; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
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
