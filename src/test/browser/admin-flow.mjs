// The operator's flows in Debian's Chromium, driven by playwright-core (which never downloads a
// browser). Run by AdminPageBrowserTest:
//   node src/test/browser/admin-flow.mjs <baseUrl> <adminToken> <screenshotPath> [replay|bulk-resolve [count]]
// Opens /admin with the token as the basic-auth password, then
// - replay (the default): filters to failed deliveries, opens the only one, replays it (accepting
//   the confirm dialog) and waits until it shows delivered;
// - bulk-resolve: filters to in-doubt deliveries, clicks "Resolve all matching… as sent", checks
//   the confirmation names the count of in-doubt deliveries, accepts, and waits until the table
//   has none left;
// then saves a screenshot. Exits 0 on success, 1 with a message on stderr otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, token, screenshotPath, flow = 'replay', expected = '0'] = process.argv.slice(2);
if (!baseUrl || !token || !screenshotPath || !['replay', 'bulk-resolve'].includes(flow)) {
  console.error('usage: node admin-flow.mjs <baseUrl> <adminToken> <screenshotPath> [replay|bulk-resolve [count]]');
  process.exit(2);
}

const TIMEOUT_MS = 30_000;
const userDataDir = mkdtempSync(join(tmpdir(), 'candybridge-chromium-'));
const pageErrors = [];
let context;

function log(message) {
  console.log(`[admin-flow] ${message}`);
}

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    httpCredentials: { username: 'admin', password: token },
    viewport: { width: 1280, height: 1100 },
    timeout: TIMEOUT_MS,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`); });

  log(`opening ${baseUrl}/admin`);
  const response = await page.goto(`${baseUrl}/admin`);
  if (!response || response.status() !== 200) {
    throw new Error(`GET /admin answered ${response?.status()}`);
  }
  await page.getByTestId('delivery-row').first().waitFor();

  if (flow === 'bulk-resolve') await bulkResolve(page, Number(expected));
  else await replay(page);

  await page.screenshot({ path: screenshotPath, fullPage: true });
  log(`screenshot saved to ${screenshotPath}`);
  if (pageErrors.length > 0) throw new Error(`errors on the page:\n${pageErrors.join('\n')}`);
  log('ok');
} catch (e) {
  console.error(`[admin-flow] FAILED: ${e?.stack ?? e}`);
  if (pageErrors.length > 0) console.error(`[admin-flow] page errors:\n${pageErrors.join('\n')}`);
  const page = context?.pages()[0];
  if (page) await page.screenshot({ path: screenshotPath.replace(/\.png$/, '') + '-failure.png', fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

async function replay(page) {
  log('filtering to failed deliveries');
  await page.getByTestId('filter-status').selectOption('failed');
  const failedRows = page.locator('[data-testid="delivery-row"][data-status="failed"]');
  await failedRows.first().waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="delivery-row"]')].every((r) => r.dataset.status === 'failed'));
  const count = await page.getByTestId('delivery-row').count();
  if (count !== 1) throw new Error(`expected one failed delivery, the table shows ${count}`);

  log('opening the failed delivery');
  await page.getByTestId('delivery-row').first().click();
  const detail = page.getByTestId('detail');
  await detail.getByTestId('attempt').first().waitFor();
  await detail.getByTestId('event-json').waitFor();

  log('replaying it');
  let confirmed = '';
  page.once('dialog', async (dialog) => {
    confirmed = dialog.message();
    await dialog.accept();
  });
  await detail.getByTestId('replay').click();
  await detail.locator('[data-testid="status"]', { hasText: 'delivered' }).first().waitFor();
  if (!confirmed) throw new Error('Replay did not ask for confirmation');
  log(`confirmed: ${confirmed}`);
  await detail.getByTestId('attempt').nth(1).waitFor();

  // The table refreshes with the same filter (failed): the replayed delivery leaves it.
  await page.waitForFunction(() =>
    document.querySelectorAll('[data-testid="delivery-row"][data-status="failed"]').length === 0);
}

async function bulkResolve(page, count) {
  const bulk = page.getByTestId('bulk-resolve');
  if (await bulk.isVisible()) throw new Error('bulk resolve is offered before filtering to in-doubt deliveries');

  log('filtering to in-doubt deliveries');
  await page.getByTestId('filter-status').selectOption('in_doubt');
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('[data-testid="delivery-row"]')];
    return rows.length === n && rows.every((r) => r.dataset.status === 'in_doubt');
  }, count);
  await bulk.waitFor({ state: 'visible' });

  log('resolving all matching as sent');
  let confirmed = '';
  page.once('dialog', async (dialog) => {
    confirmed = dialog.message();
    await dialog.accept();
  });
  await page.getByTestId('bulk-resolve-sent').click();
  await page.getByTestId('notice').filter({ hasText: `${count} in-doubt deliveries marked as delivered` }).waitFor();
  if (!confirmed) throw new Error('Resolve all matching did not ask for confirmation');
  log(`confirmed: ${confirmed}`);
  if (!confirmed.includes(`${count} in-doubt deliveries match`)) {
    throw new Error(`the confirmation does not show the count ${count}: ${confirmed}`);
  }

  // The table refreshes with the same filter (in doubt): every resolved delivery leaves it.
  await page.getByTestId('empty').waitFor({ state: 'visible' });
  await bulk.waitFor({ state: 'hidden' });
  await page.getByTestId('filter-status').selectOption('delivered');
  await page.waitForFunction((n) =>
    document.querySelectorAll('[data-testid="delivery-row"][data-status="delivered"]').length === n, count);
}
