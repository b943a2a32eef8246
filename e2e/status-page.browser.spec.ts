/** The proxy's HTML status page (what a browser gets from /status). */
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
