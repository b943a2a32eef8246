/**
 * Forward mode through the real stack: the proxy used as an HTTP proxy, as `curl -x` uses it.
 *
 * Playwright's `request.newContext({ proxy })` cannot do this: its agent (https-proxy-agent) opens a
 * CONNECT tunnel even for http:// targets, and the proxy refuses CONNECT by design (a tunnel cannot
 * be signed). So the absolute-form request is sent with node:http here, and the `browser` project
 * checks Chromium's own `proxy:` settings (forward.browser.spec.ts).
 */
import { test, expect, expectValidToken, MOCK_SESSION_HEADER, nodeRequest, sha256, type NodeAnswer } from './fixtures.js';

/** Sends `method target` in absolute-form (RFC 9112 §3.2.2) to the proxy. */
function viaProxy(proxyUrl: string, session: string, method: string, target: string, body?: Buffer): Promise<NodeAnswer> {
  const proxy = new URL(proxyUrl);
  return nodeRequest(
    {
      host: proxy.hostname,
      port: proxy.port,
      method,
      path: target, // an absolute URL: what an HTTP client configured with a proxy sends
      headers: { host: new URL(target).host, [MOCK_SESSION_HEADER]: session, ...(body ? { 'content-length': body.length } : {}) },
    },
    body,
  );
}

test('an absolute-form POST (forward mode) reaches its target signed and is counted', async ({ journal, stack, uniquePath }) => {
  const body = Buffer.from(`forward ${uniquePath}`);
  const target = `${stack.mockUrlFromProxy}${uniquePath}?mode=forward`;

  const res = await viaProxy(stack.proxyUrl, journal.session, 'POST', target, body);
  expect(res.status, res.body).toBe(200);

  const entry = await journal.only(uniquePath);
  // Sent upstream in origin-form, with Host taken from the target URL.
  expect(entry).toMatchObject({ method: 'POST', url: `${uniquePath}?mode=forward`, query: 'mode=forward' });
  expect(entry.headers.host).toBe(new URL(target).host);
  expect(entry.body).toMatchObject({ bytes: body.length, sha256: sha256(body) });
  expectValidToken(entry.token, stack.jwtUser);
});

test('an absolute-form GET (forward mode) reaches its target unsigned', async ({ journal, stack, uniquePath }) => {
  const res = await viaProxy(stack.proxyUrl, journal.session, 'GET', `${stack.mockUrlFromProxy}${uniquePath}`);
  expect(res.status, res.body).toBe(200);

  const entry = await journal.only(uniquePath);
  expect(entry.token).toMatchObject({ present: false, code: 'TOKEN_MISSING' });
});
