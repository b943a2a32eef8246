/** The proxy's HTML status page (what a browser gets from /status). */
import path from 'node:path';
import { test, expect, requestsProcessed } from './fixtures.js';

test('the HTML status page shows the request counter, and it moves after a forwarded request', async ({
  page,
  request,
  stack,
  uniquePath,
}) => {
  // The page names no icon, so Chromium asks for /favicon.ico, which the proxy (rightly) forwards
  // and counts, at a moment of its own choosing; answered here, it never reaches the proxy.
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  // A navigation sends Accept: text/html..., which the proxy answers with its page.
  const nav = await page.goto(`${stack.proxyUrl}/status`);
  expect(nav?.headers()['content-type']).toMatch(/^text\/html/);
  const counter = page.locator('#requests-processed');
  const before = Number((await counter.textContent())?.trim());
  expect(Number.isInteger(before), `counter text "${await counter.textContent()}"`).toBe(true);
  // The page and the JSON agree (nothing else talks to this proxy during the test).
  expect(await requestsProcessed(request, stack.proxyUrl)).toBe(before);

  expect((await request.post(uniquePath, { data: 'move the counter' })).status()).toBe(200);

  await page.reload();
  await expect(counter).toHaveText(String(before + 1));
});

test('the live page draws requests/s and latency with the proxy\'s own uPlot, and moves without a reload', async ({
  page,
  request,
  stack,
  uniquePath,
}, testInfo) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const offsite: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(stack.proxyUrl) && !req.url().startsWith('data:')) offsite.push(req.url());
  });
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${stack.proxyUrl}/status`);
  await expect(page.locator('#live')).toHaveAttribute('data-state', 'live');
  const signed = page.locator('#tokens-signed');
  const before = Number(await signed.textContent());

  // Some traffic: signed POSTs, unsigned GETs, and a refusal (TRACE is 405 by default).
  for (let i = 0; i < 12; i += 1) expect((await request.post(`${uniquePath}/${i}`, { data: 'x' })).status()).toBe(200);
  for (let i = 0; i < 4; i += 1) expect((await request.get(`${uniquePath}/g${i}`)).status()).toBe(200);
  expect((await request.fetch(`${uniquePath}/t`, { method: 'TRACE' })).status()).toBe(405);

  // No reload: the page polls its JSON forms.
  await expect(signed).toHaveText(String(before + 12));
  await expect(page.locator('#status-mix [data-class="4xx"] .count')).not.toHaveText('0');
  await expect(page.locator('#latency-p50')).toHaveText(/^\d+(\.\d+)? ms$/);
  await expect(page.locator('#key')).toContainText('HS512');
  await expect(page.locator('#mode')).toContainText(`reverse → ${stack.mockUrlFromProxy}`);
  await expect(page.locator('#chart-rps canvas')).toHaveCount(1);
  await expect(page.locator('#chart-latency canvas')).toHaveCount(1);
  await expect(page.locator('#chart-rps .u-legend')).toContainText('requests/s');
  expect(problems, 'no script error, no CSP violation').toEqual([]);
  expect(offsite, 'nothing loaded from anywhere but the proxy').toEqual([]);
  await page.screenshot({ path: path.join(testInfo.config.rootDir, '..', 'docs', 'status-page.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  const fit = (await page.evaluate('({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth })')) as {
    scrollWidth: number;
    innerWidth: number;
  };
  expect(fit.scrollWidth, 'no horizontal overflow at 390 px').toBeLessThanOrEqual(fit.innerWidth);
});
