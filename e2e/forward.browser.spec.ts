/** Chromium configured with the proxy in its `proxy:` settings: forward mode from a real browser. */
import { test, expect, expectValidToken, MOCK_SESSION_HEADER } from './fixtures.js';

test('Chromium using the proxy as its HTTP proxy gets pages through it and its POSTs arrive signed', async ({
  browser,
  journal,
  stack,
  uniquePath,
}) => {
  // Chromium sends absolute-form requests to an HTTP proxy for http:// URLs (Playwright also makes
  // it proxy loopback targets, the native stack's case); the proxy resolves the target itself, so
  // compose's http://mock-upstream:8081 works although this machine cannot resolve that name.
  const context = await browser.newContext({ proxy: { server: stack.proxyUrl }, extraHTTPHeaders: { [MOCK_SESSION_HEADER]: journal.session } });
  try {
    const page = await context.newPage();
    const nav = await page.goto(`${stack.mockUrlFromProxy}${uniquePath}`);
    expect(nav?.status()).toBe(200);
    expect((await journal.only(uniquePath)).token.code).toBe('TOKEN_MISSING');

    // A same-origin POST from the page, so through the proxy as well.
    const postPath = `${uniquePath}/post`;
    const status = await page.evaluate(
      async (path) => (await fetch(path, { method: 'POST', body: 'from chromium' })).status,
      postPath,
    );
    expect(status).toBe(200);
    expectValidToken((await journal.only(postPath)).token, stack.jwtUser);
  } finally {
    await context.close();
  }
});
