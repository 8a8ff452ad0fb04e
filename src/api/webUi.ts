/**
 * Serves the built UI (web/dist): `/` redirects to `query`; the page paths return index.html;
 * `/static/*` returns the bundle. The bundle is built by `npm install` (prepare script); if it
 * is missing, it is built once on first start.
 *
 * The page and its script refer to everything by relative URL (`static/app.js`,
 * `api/v1/query`), so the UI works under any --web.route-prefix and behind a proxy that adds or
 * strips a path. The redirects are relative for the same reason, and keep a page's URL without
 * a trailing slash (`/prom/query/` would make `static/` resolve to `/prom/query/static/`).
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installPath } from '../installPaths.ts';

const DIST = installPath('web', 'dist') + '/';
const PAGES = ['/query', '/graph', '/alerts', '/targets'];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

async function ensureBuilt(): Promise<boolean> {
  if (existsSync(join(DIST, 'index.html'))) return true;
  try {
    await import(pathToFileURL(installPath('scripts', 'build-web.mjs')).href);
    return existsSync(join(DIST, 'index.html'));
  } catch {
    return false;
  }
}

export async function webUiRoutes(app: FastifyInstance): Promise<void> {
  const built = await ensureBuilt();
  const cache = new Map<string, Buffer>();
  const file = (rel: string): Buffer | null => {
    const p = normalize(join(DIST, rel));
    if (!p.startsWith(DIST)) return null; // no path traversal
    let b = cache.get(p);
    if (!b) {
      if (!existsSync(p)) return null;
      b = readFileSync(p);
      cache.set(p, b);
    }
    return b;
  };

  // Under a prefix this route is also `/prom` (the router ignores trailing slashes): send that
  // to `/prom/` first, as Prometheus does, so relative URLs resolve under the prefix.
  app.get('/', async (req, reply) => {
    const [path, query] = splitUrl(req.url);
    if (!path.endsWith('/')) return reply.redirect(`${path}/${query}`, 301);
    return reply.redirect('query', 302);
  });
  for (const page of PAGES) {
    app.get(page, async (req, reply) => {
      const [path, query] = splitUrl(req.url);
      if (path.endsWith('/')) return reply.redirect(`../${page.slice(1)}${query}`, 301);
      const html = built ? file('index.html') : null;
      if (!html) return reply.code(503).type('text/plain').send('The web UI is not built: run `npm run build:web`.\n');
      return reply.type('text/html; charset=utf-8').send(html);
    });
  }
  app.get('/static/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    const body = file(join('static', rel));
    if (!body) return reply.code(404).type('text/plain').send('404 page not found\n');
    return reply.type(TYPES[extname(rel)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(body);
  });
}

/** A request URL split into its path and its query string (with the `?`, or ''). */
function splitUrl(url: string): [string, string] {
  const i = url.indexOf('?');
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i)];
}
