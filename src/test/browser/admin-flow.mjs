// The operator's flows in Debian's Chromium, driven by playwright-core (which never downloads a
// browser). Run by AdminPageBrowserTest:
//   node src/test/browser/admin-flow.mjs <baseUrl> <adminToken> <screenshotPath> [replay|bulk-resolve [count]|cross-site <deliveryId>|tour <email> <failedCount>]
// Opens /admin with the token as the basic-auth password, then
// - replay (the default): filters to failed deliveries, opens the only one, replays it (accepting
//   the confirm dialog) and waits until it shows delivered;
// - bulk-resolve: filters to in-doubt deliveries, clicks "Resolve all matching… as sent", checks
//   the confirmation names the count of in-doubt deliveries, accepts, and waits until the table
//   has none left;
// - cross-site: signs in as a person does, with the token in the URL (http://admin:TOKEN@host/admin,
//   baseUrl on the host name admin.test, which --host-resolver-rules maps to 127.0.0.1), replays as
//   above, then opens an attacker's page served here on evil.test (another site) and on admin.test
//   at another port (another origin of the same site). Each auto-submits a text/plain form to the
//   bulk replay of delivered calls, and makes no-cors fetches with credentials to it and to the
//   replay of <deliveryId>: the form must answer 403 (the browser attached the login, or it would
//   be 401), each fetch 403 or, where Chromium did not attach the login, 401;
// - tour (issue 18): opens /admin?status=bogus and expects the page to say it ignored that filter;
//   reads the status panel, the Events view's decisions (a "not sent" one printed to the output),
//   searches deliveries by <email> and reads its e-mail and amount columns, dry-runs a stored event
//   and a pasted non-event (the API's 400 shown, the only HTTP error allowed), follows the OpenAPI
//   link, and replays all <failedCount> failed deliveries after a confirmation showing the count;
//   a screenshot of each step beside <screenshotPath>;
// then saves a screenshot. Exits 0 on success, 1 with a message on stderr otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, token, screenshotPath, flow = 'replay', expected = '0', extra = '0'] = process.argv.slice(2);
if (!baseUrl || !token || !screenshotPath || !['replay', 'bulk-resolve', 'cross-site', 'tour'].includes(flow)) {
  console.error('usage: node admin-flow.mjs <baseUrl> <adminToken> <screenshotPath> [replay|bulk-resolve [count]|cross-site <deliveryId>]');
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
      '--host-resolver-rules=MAP admin.test 127.0.0.1, MAP evil.test 127.0.0.1',
    ],
    // cross-site signs in with the token in the URL, as a person does; the rest answer the challenge.
    httpCredentials: flow === 'cross-site' ? undefined : { username: 'admin', password: token },
    viewport: { width: 1280, height: 1100 },
    timeout: TIMEOUT_MS,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`); });

  const signIn = flow === 'cross-site' ? baseUrl.replace('://', `://admin:${encodeURIComponent(token)}@`) : baseUrl;
  log(`opening ${baseUrl}/admin`);
  const response = await page.goto(`${signIn}/admin${flow === 'tour' ? '?status=bogus' : ''}`);
  if (!response || response.status() !== 200) {
    throw new Error(`GET /admin answered ${response?.status()}`);
  }
  await page.getByTestId('delivery-row').first().waitFor();

  if (flow === 'bulk-resolve') await bulkResolve(page, Number(expected));
  else if (flow === 'tour') await tour(page, expected, Number(extra));
  else await replay(page);
  if (flow === 'cross-site') await attackFromOtherOrigins(context, expected);

  await page.screenshot({ path: screenshotPath, fullPage: true });
  log(`screenshot saved to ${screenshotPath}`);
  // The tour's pasted non-event is refused with a 400 on purpose; nothing else may fail.
  const unexpected = pageErrors.filter((e) => !(flow === 'tour' && e.includes('/api/dry-run') && e.includes('400')));
  pageErrors.length = 0;
  pageErrors.push(...unexpected);
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

// The attacker: a page on another origin that replays with the operator's cached login.
async function attackFromOtherOrigins(context, deliveryId) {
  const target = new URL(baseUrl);
  const bulk = `${target.origin}/api/deliveries/replay?status=delivered`;
  const single = `${target.origin}/api/deliveries/${deliveryId}/replay`;
  const attackerPage = `<!doctype html><meta charset="utf-8"><title>You won</title>
<form id="f" method="POST" enctype="text/plain" action="${bulk}"><input type="hidden" name='{"a":"' value='"}'></form>
<script>
  const hit = (url) => fetch(url, { mode: 'no-cors', method: 'POST', credentials: 'include' }).catch(() => {});
  hit(${JSON.stringify(bulk)}).then(() => hit(${JSON.stringify(single)})).then(() => document.getElementById('f').submit());
</script>`;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(attackerPage);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  try {
    for (const origin of [`http://evil.test:${port}`, `http://admin.test:${port}`]) {
      const tab = await context.newPage();
      const answers = [];
      tab.on('response', (r) => {
        if (r.request().method() === 'POST' && r.url().startsWith(target.origin)) {
          answers.push({ kind: r.request().resourceType(), url: r.url(), status: r.status() });
        }
      });
      log(`opening the attacker's page ${origin}/`);
      const form = tab.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document');
      await tab.goto(`${origin}/`);
      await form;
      await tab.waitForFunction(() => document.body?.innerText.trim().startsWith('{'));
      const shown = await tab.evaluate(() => document.body.innerText);
      log(`from ${origin}: ${answers.map((a) => `${a.kind} ${a.url.slice(target.origin.length)} -> ${a.status}`).join(', ')}`);
      log(`the form's answer: ${shown}`);
      // The form navigates the top frame, so the login goes with it: Candybridge must refuse (403).
      // Chromium keys its login cache by the top frame's site, so from evil.test a fetch may go
      // without the login (401); either way it is refused, and ReferralCandy hears nothing (checked
      // by the Java test).
      const refused = answers.every((a) => a.status === 403 || (a.kind === 'fetch' && a.status === 401));
      if (answers.length !== 3 || !refused || !answers.some((a) => a.kind === 'document' && a.status === 403)) {
        throw new Error(`expected three refusals (403, or 401 for a fetch without the login) from ${origin}, got ${JSON.stringify(answers)}`);
      }
      if (!shown.includes('"error":"forbidden"')) throw new Error(`the form's answer is not forbidden: ${shown}`);
      await tab.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-from-${new URL(origin).hostname}.png` });
      await tab.close();
    }
  } finally {
    server.close();
  }
}

async function tour(page, email, failed) {
  const shot = (name) => page.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-${name}.png`, fullPage: true });

  log('an unknown filter in the address');
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'Ignored filter status=bogus' }).waitFor();
  log(`notice: ${await notice.innerText()}`);
  if (await page.getByTestId('filter-status').inputValue() !== '') throw new Error('the unknown status was applied');
  await shot('unknown-filter');

  log('the status panel');
  const panel = page.getByTestId('status-panel');
  await panel.getByTestId('status-last-webhook').locator('code').waitFor();
  for (const id of ['status-last-webhook', 'status-referralcandy', 'status-queue', 'status-in-doubt', 'status-stripe-mode']) {
    log(`${id}: ${(await panel.getByTestId(id).innerText()).replace(/\s+/g, ' ')}`);
  }
  if (!(await panel.getByTestId('status-referralcandy').innerText()).includes('reachable')) throw new Error('ReferralCandy not shown reachable');
  await panel.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-status.png` });

  log('the events view');
  const events = page.getByTestId('events');
  await events.getByTestId('event-row').first().waitFor();
  const notSent = events.locator('[data-testid="decision"][data-matched="false"]');
  await notSent.first().waitFor();
  for (const d of await notSent.all()) log(`not sent: ${await d.innerText()}`);
  log(`events shown: ${await events.getByTestId('event-row').count()}`);
  await events.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-events.png` });

  log('searching deliveries by e-mail'); // never the address itself: LogHygieneTest scans this output
  await page.getByTestId('filter-q').fill(email);
  await page.getByTestId('apply-filters').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="delivery-row"]').length === 1);
  const row = page.getByTestId('delivery-row').first();
  const shownEmail = await row.getByTestId('email').innerText();
  const amount = await row.getByTestId('amount').innerText();
  log(`found: ${shownEmail === email ? 'the e-mail searched for' : 'another e-mail'}, ${amount}`);
  if (shownEmail !== email) throw new Error('the e-mail column shows another e-mail');
  await shot('search');

  log('dry run of a stored event');
  const dry = page.getByTestId('dry-run');
  await events.getByTestId('event-row').filter({ has: page.locator('[data-matched="true"]') }).first()
    .getByTestId('event-dry-run').click();
  await dry.locator('[data-testid="dry-run-workflow"][data-matched="true"]').first().waitFor();
  log(`dry run: ${(await dry.getByTestId('dry-run-result').innerText()).split('\n').slice(0, 2).join(' | ')}`);
  await dry.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-dry-run.png` });

  log('dry run of a pasted non-event');
  await page.getByTestId('dry-run-input').fill('{"hello": "world"}');
  await page.getByTestId('dry-run-submit').click();
  const refusal = dry.getByTestId('dry-run-error');
  await refusal.waitFor();
  log(`dry run refused: ${await refusal.innerText()}`);
  await dry.screenshot({ path: `${screenshotPath.replace(/\.png$/, '')}-dry-run-refused.png` });

  log('the OpenAPI link');
  const href = await page.getByTestId('openapi-link').getAttribute('href');
  const spec = await page.evaluate(async (h) => (await fetch(new URL(h, location.origin))).json(), href);
  log(`OpenAPI ${spec.openapi}, ${Object.keys(spec.paths).length} paths`);

  log('replaying every failed delivery');
  await page.getByTestId('filter-q').fill('');
  await page.getByTestId('filter-status').selectOption('failed');
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('[data-testid="delivery-row"]')];
    return rows.length === n && rows.every((r) => r.dataset.status === 'failed');
  }, failed);
  await page.getByTestId('bulk-replay').waitFor({ state: 'visible' });
  let confirmed = '';
  page.once('dialog', async (dialog) => {
    confirmed = dialog.message();
    await dialog.accept();
  });
  await page.getByTestId('bulk-replay-go').click();
  await page.getByTestId('notice').filter({ hasText: `${failed} deliveries queued for replay` }).waitFor();
  log(`confirmed: ${confirmed}`);
  if (!confirmed.includes(`${failed} deliveries match`)) throw new Error(`the confirmation does not show the count: ${confirmed}`);
  await page.getByTestId('empty').waitFor({ state: 'visible' });
}
