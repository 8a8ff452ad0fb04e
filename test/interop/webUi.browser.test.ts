/**
 * The web UI in a real browser (Debian Chromium driven by playwright-core): the query page
 * runs an instant query into a table and a range query into a uPlot chart; the targets and
 * alerts pages render the server's state; under a path prefix (--web.external-url with a path)
 * every request the page makes stays under it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort, startPromlite, type PromliteProcess } from '../support/promliteProcess.ts';
import { requireBinary } from '../support/tools.ts';
import { pushSamples } from '../support/remoteWritePush.ts';

let pl: PromliteProcess;
let browser: Browser;
let dir: string;

before(async () => {
  requireBinary('chromium');
  dir = mkdtempSync(join(tmpdir(), 'promlite-ui-'));
  const port = await freePort();
  writeFileSync(join(dir, 'rules.yml'), 'groups:\n  - name: ui\n    rules:\n      - alert: AlwaysFiring\n        expr: vector(1)\n');
  writeFileSync(
    join(dir, 'promlite.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: ['${join(dir, 'rules.yml')}']\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
  );
  pl = await startPromlite([`--config.file=${join(dir, 'promlite.yml')}`, '--web.enable-remote-write-receiver'], { port });
  const now = Date.now();
  await pushSamples(pl.url, [
    { labels: { __name__: 'ui_demo', series: 'a' }, samples: Array.from({ length: 60 }, (_, k) => [now - (59 - k) * 30_000, Math.sin(k / 5)] as [number, number]) },
    { labels: { __name__: 'ui_demo', series: 'b' }, samples: Array.from({ length: 60 }, (_, k) => [now - (59 - k) * 30_000, Math.cos(k / 5)] as [number, number]) },
  ]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await pl?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('query page: instant query into a table, range query into a chart', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${pl.url}/query?g0.expr=ui_demo&g0.tab=1`);
  await page.waitForSelector('#query-table tr');
  const rows = await page.$$eval('#query-table td.series', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(rows, ['ui_demo{series="a"}', 'ui_demo{series="b"}']);

  // Type a new expression into the CodeMirror editor and switch to the graph tab.
  await page.click('#expr-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('ui_demo * 2');
  await page.click('#tab-graph');
  await page.waitForSelector('#query-chart canvas');
  const legend = await page.$$eval('#query-chart .u-legend .u-series .u-label', (els) => els.map((e) => e.textContent));
  assert.ok(legend.includes('{series="a"}') && legend.includes('{series="b"}'), `legend: ${legend.join(', ')}`);
  assert.match(page.url(), /g0\.expr=ui_demo\+\*\+2/);
  assert.match((await page.textContent('#query-status')) ?? '', /Result series: 2/);
  if (process.env.PROMLITE_UI_SCREENSHOT) await page.screenshot({ path: process.env.PROMLITE_UI_SCREENSHOT });

  // A bad expression shows the server's parse error.
  await page.click('#expr-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('sum(');
  await page.click('#execute');
  await page.waitForSelector('#query-status.error');
  assert.match((await page.textContent('#query-status')) ?? '', /bad_data: .*parse error/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('targets and alerts pages show the server state', async () => {
  const page = await browser.newPage();
  await page.goto(`${pl.url}/targets`);
  await page.waitForSelector('h2');
  assert.match((await page.textContent('h2')) ?? '', /^self \(\d\/1 up\)$/);
  await page.goto(`${pl.url}/alerts`);
  await page.waitForSelector('.rule-alerting');
  assert.match((await page.textContent('.rule-alerting')) ?? '', /AlwaysFiring/);
  await page.close();
});

test('under --web.external-url with a path: / leads to the query page, which queries under the prefix', async () => {
  const port = await freePort();
  const prefixed = await startPromlite([`--web.external-url=http://127.0.0.1:${port}/prom/`, '--web.enable-remote-write-receiver'], { port });
  try {
    const now = Date.now();
    await pushSamples(`${prefixed.url}/prom`, [{ labels: { __name__: 'ui_prefixed', series: 'p' }, samples: [[now - 1000, 1]] }]);
    const page = await browser.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    page.on('pageerror', (e) => failed.push(e.message));
    await page.goto(`${prefixed.url}/`);
    assert.equal(page.url(), `${prefixed.url}/prom/query`);
    await page.click('#expr-editor .cm-content');
    await page.keyboard.type('ui_prefixed');
    await page.click('#execute');
    await page.waitForSelector('#query-table tr');
    assert.deepEqual(await page.$$eval('#query-table td.series', (tds) => tds.map((td) => td.textContent)), ['ui_prefixed{series="p"}']);
    assert.match(page.url(), /\/prom\/query\?g0\.expr=ui_prefixed/);
    assert.deepEqual(failed, []);
    // `/` → `/prom` → `/prom/` → `query`, as Prometheus redirects; then everything is under /prom/.
    const outside = requests.filter((u) => u !== `${prefixed.url}/` && u !== `${prefixed.url}/prom` && !u.startsWith(`${prefixed.url}/prom/`));
    assert.deepEqual(outside, [], 'every request after the redirects is under /prom/');
    assert.ok(requests.some((u) => u.startsWith(`${prefixed.url}/prom/api/v1/query`)), requests.join('\n'));
    await page.close();
  } finally {
    await prefixed.stop();
  }
});
