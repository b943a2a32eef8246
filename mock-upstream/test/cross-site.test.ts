/**
 * Issue #21, item 1: a cross-site request never changes (or reads) the mock's state. Raw requests
 * carry exactly the headers a browser would; test/cross-site.browser.test.ts runs the attack in Chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, rawRequest, startMock } from './helpers.js';
import type { Mock } from './helpers.js';

const STUB = JSON.stringify({ path: '/x', headers: { 'content-type': 'text/html' }, body: '<script>1</script>' });

describe('the /__mock API answers its own origin only', () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(() => mock.close());

  async function postStub(headers: Record<string, string>): Promise<{ status: number; code: string | undefined }> {
    const lines = Object.entries({ host: `127.0.0.1:${mock.port}`, 'content-type': 'application/json', ...headers, 'content-length': String(STUB.length), connection: 'close' });
    const response = await rawRequest(mock.port, `POST /__mock/stubs HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${STUB}`);
    const body = response.body === '' ? {} : (JSON.parse(response.body) as { error?: { code: string } });
    return { status: response.status, code: body.error?.code };
  }

  async function stubCount(): Promise<number> {
    const { body } = await getJson<{ stubs: unknown[] }>(`${mock.base}/__mock/stubs`);
    await fetch(`${mock.base}/__mock/stubs`, { method: 'DELETE' });
    return body.stubs.length;
  }

  const refused: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }],
    ['Sec-Fetch-Site: same-site (another port of localhost)', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }],
    ['an Origin of another host', { origin: 'http://127.0.0.2:9999' }],
    ['an Origin of another port', { origin: 'http://127.0.0.1:1' }],
    ['an Origin of another scheme', { origin: 'https://127.0.0.1:PORT' }],
    ['Origin: null (a sandboxed document, such as a stub answer)', { origin: 'null' }],
    ['a same-origin Origin but Sec-Fetch-Site: cross-site', { origin: 'http://127.0.0.1:PORT', 'sec-fetch-site': 'cross-site' }],
  ];
  for (const [what, headers] of refused) {
    it(`refuses a stub POST with 403 CROSS_SITE_REFUSED given ${what}, and plants nothing`, async () => {
      const withPort = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('PORT', String(mock.port))]));
      assert.deepEqual(await postStub(withPort), { status: 403, code: 'CROSS_SITE_REFUSED' });
      assert.equal(await stubCount(), 0);
    });
  }

  const allowed: [string, Record<string, string>][] = [
    ['neither Origin nor Sec-Fetch-Site (curl, suites)', {}],
    ['Sec-Fetch-Site: same-origin and its own Origin', { 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:PORT' }],
    ['Sec-Fetch-Site: none (typed by the person)', { 'sec-fetch-site': 'none' }],
  ];
  for (const [what, headers] of allowed) {
    it(`accepts a stub POST given ${what}`, async () => {
      const withPort = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('PORT', String(mock.port))]));
      assert.deepEqual(await postStub(withPort), { status: 201, code: undefined });
      assert.equal(await stubCount(), 1);
    });
  }

  it('refuses a cross-site DELETE and a cross-site read (no-cors image, EventSource), but lets a top-level navigation open the page', async () => {
    const ask = async (method: string, path: string, headers: string): Promise<number> =>
      (await rawRequest(mock.port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\n${headers}Connection: close\r\n\r\n`)).status;
    assert.equal(await ask('DELETE', '/__mock/requests', 'Origin: http://127.0.0.2:9999\r\n'), 403);
    assert.equal(await ask('GET', '/__mock/requests/wait?count=1000', 'Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: image\r\n'), 403);
    assert.equal(await ask('GET', '/__mock/events', 'Sec-Fetch-Site: same-site\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\nOrigin: http://localhost:3000\r\n'), 403);
    assert.equal(await ask('GET', '/__mock/', 'Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: iframe\r\n'), 403, 'framed: refused');
    assert.equal(await ask('POST', '/__mock/stubs', 'Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\nContent-Length: 0\r\n'), 403, 'a form POST: refused');
    assert.equal(await ask('GET', '/__mock/', 'Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n'), 200, 'a followed link opens the page');
  });

  it('sends no CORS header: a preflight is refused (405) and no answer grants another origin', async () => {
    const preflight = await rawRequest(
      mock.port,
      `OPTIONS /__mock/stubs HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\nOrigin: http://127.0.0.2:9999\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(preflight.status, 403);
    const own = await rawRequest(mock.port, `OPTIONS /__mock/stubs HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(own.status, 405);
    for (const response of [preflight, own]) {
      assert.deepEqual(Object.keys(response.headers).filter((name) => name.startsWith('access-control-')), []);
    }
  });
});
