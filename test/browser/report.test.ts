/**
 * The report in a real browser (`npm run test:report`, a phase of `npm test`
 * after the suite): headless Chromium (support/client/chromium.ts: the
 * system's, GOLDEN_PATH_CHROMIUM, or the one in @sparticuz/chromium) opens
 * the latest run's reports/index.html and one scenario of its cucumber.html
 * from file://, fails on any console error, page error, failed resource or
 * request to the network, checks that the scorecard, the conformance matrix
 * (one row per rule) and the timelines render with a size, and saves a
 * screenshot of each under reports/screenshots/.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type * as Playwright from 'playwright-core';
import { RULES } from '../../protocol/rules';
import { chooseChromium } from '../../support/client/chromium';
import { cucumberHtmlLink } from '../../support/report/dashboard/html';
import { readRunFile } from '../../support/report/run/run-reader';
import { STORM_FILE_NAME, TIMELINE_FILE_NAME } from '../../support/report/timeline/pictures';

const REPORTS = resolve(process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports');
const SCREENSHOTS = join(REPORTS, 'screenshots');
const INDEX = join(REPORTS, 'index.html');
const CUCUMBER = join(REPORTS, 'cucumber.html');
const MB = 1024 * 1024;

let browser: Browser;

before(async () => {
  for (const file of [INDEX, CUCUMBER]) assert.ok(existsSync(file), `${file} is missing: run the suite first (npx cucumber-js), then this test`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const chromium = await chooseChromium();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium: launcher } = require('playwright-core') as typeof Playwright;
  try {
    browser = await launcher.launch({ executablePath: chromium.executablePath, args: [...chromium.args], headless: true, timeout: 60_000 });
  } catch (error) {
    throw new Error(`headless Chromium (${chromium.source}) did not start: ${error instanceof Error ? error.message : String(error)} — ${chromium.ifItFails}`, { cause: error });
  }
});

after(async () => {
  await browser?.close();
});

let page: Page;
let problems: string[] = [];

/**
 * Opens `url` in the one page of the test (the packaged Chromium runs as a
 * single process, which a closed page can take down), recording every console
 * error, page error, failed resource and request leaving file:/data: from now on.
 */
async function open(url: string, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; problems: string[] }> {
  if (page === undefined) {
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed resource: ${request.url()} (${request.failure()?.errorText ?? 'no reason'})`));
    page.on('request', (request) => {
      if (!/^(file|data|blob|about):/.test(request.url())) problems.push(`a request to the network: ${request.url()}`);
    });
  }
  problems = [];
  await page.setViewportSize(viewport);
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Every image matched is loaded and drawn with a size. */
async function imagesRendered(page: Page, selector: string): Promise<Array<{ width: number; height: number; natural: number }>> {
  return page.locator(selector).evaluateAll((images) => images.map((image) => {
    const element = image as unknown as { complete: boolean; naturalWidth: number; getBoundingClientRect: () => { width: number; height: number } };
    const box = element.getBoundingClientRect();
    return { width: box.width, height: box.height, natural: element.complete ? element.naturalWidth : 0 };
  }));
}

void test('the dashboard (reports/index.html) is under 5 MB, opens from file:// without an error, and shows the scorecard, one matrix row per rule and its charts', async () => {
  const size = statSync(INDEX).size;
  assert.ok(size < 5 * MB, `index.html is ${(size / MB).toFixed(2)} MB (limit 5 MB)`);
  const { page, problems } = await open(pathToFileURL(INDEX).href);
  await page.locator('#scorecard table.scorecard').first().waitFor({ state: 'visible', timeout: 10_000 });
  const metricRows = await page.locator('#scorecard table.scorecard').first().locator('tr').count();
  assert.ok(metricRows >= 6, `the scorecard lists the seed plan's metrics (${metricRows} rows)`);
  const ruleRows = await page.locator('table.matrix tbody tr').evaluateAll((rows) => rows.map((row) => (row as unknown as { id: string }).id));
  assert.deepEqual(ruleRows, RULES.map((rule) => `rule-${rule.id}`), 'the conformance matrix has one row per rule of protocol/rules.ts, in order');
  const charts = await imagesRendered(page, 'img.chart');
  assert.ok(charts.length >= 2, `the dashboard has its charts (${charts.length})`);
  for (const [index, chart] of charts.entries()) assert.ok(chart.natural > 0 && chart.width > 0 && chart.height > 0, `chart ${index + 1} renders with a size: ${JSON.stringify(chart)}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: false });
  await page.locator('#matrix').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'matrix.png') });
  assert.deepEqual(problems, []);
});

void test('cucumber.html is under 10 MB and shows a scenario\'s timeline as a picture, without an error', async () => {
  const size = statSync(CUCUMBER).size;
  assert.ok(size < 10 * MB, `cucumber.html is ${(size / MB).toFixed(2)} MB (limit 10 MB)`);
  const run = readRunFile(join(REPORTS, 'messages.ndjson'));
  const drawn = run.scenarios.filter((scenario) => scenario.pictures.some((picture) => picture.fileName === TIMELINE_FILE_NAME));
  const chosen = drawn.find((scenario) => scenario.pictures.some((picture) => picture.fileName === STORM_FILE_NAME)) ?? drawn.find((scenario) => scenario.status === 'FAILED') ?? drawn[0];
  assert.ok(chosen !== undefined, `no scenario of the latest run (${run.scenarios.length} scenarios) attached a timeline: did any open a connection?`);
  // As the dashboard links to it.
  const url = new URL(cucumberHtmlLink({ ...chosen, cucumberHtml: 'cucumber.html' }), pathToFileURL(CUCUMBER)).href;
  const { page, problems } = await open(url, { width: 1400, height: 1400 });
  const picture = page.locator('details', { has: page.locator('summary', { hasText: TIMELINE_FILE_NAME }) }).locator('img').first();
  await picture.waitFor({ state: 'visible', timeout: 15_000 });
  const [rendered] = await imagesRendered(page, `details:has(> summary:text-is("${TIMELINE_FILE_NAME}")) img`);
  assert.ok(rendered !== undefined && rendered.natural > 0 && rendered.width > 0 && rendered.height > 0, `the timeline of "${chosen.name}" renders with a size: ${JSON.stringify(rendered)}`);
  await picture.scrollIntoViewIfNeeded();
  const article = page.locator('article', { has: picture }).first();
  await (await article.count() > 0 ? article : picture).screenshot({ path: join(SCREENSHOTS, 'cucumber-timeline.png') });
  assert.deepEqual(problems, []);
});
