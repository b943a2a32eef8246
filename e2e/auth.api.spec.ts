/**
 * PROXY_AUTH (issue #24) through the stack's proxy-auth, compose or native alike: `header,basic`,
 * a users file the stack made at start (scripts/stack-auth.sh: one test-only user, a random
 * password, PROXY_AUTH_USER/PROXY_AUTH_PASSWORD) and X-Forwarded-User trusted only from
 * PROXY_AUTH_TRUSTED_ADDRESS (127.0.0.2), which this suite chooses as its source address. Basic in
 * reverse mode (401) and forward mode (407), the trusted header from a trusted and an untrusted
 * peer, and the own endpoints. Sent with node:http: forward mode needs an absolute-form target and
 * the trusted peer a chosen local address, neither of which Playwright's request context offers.
 */
import { test, expect, expectValidToken, MOCK_SESSION_HEADER, nodeRequest, type NodeAnswer } from './fixtures.js';

const authUrl = process.env.PROXY_AUTH_URL;
const user = process.env.PROXY_AUTH_USER ?? '';
const password = process.env.PROXY_AUTH_PASSWORD ?? '';
const trustedAddress = process.env.PROXY_AUTH_TRUSTED_ADDRESS;

interface Send {
  readonly method?: string;
  /** origin-form (reverse mode) or an absolute URL (forward mode) */
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The source address: PROXY_AUTH_TRUSTED_ADDRESS for the trusted peer; default 127.0.0.1. */
  readonly from?: string;
}

function send(session: string, options: Send): Promise<NodeAnswer> {
  const proxy = new URL(authUrl!);
  const body = options.method === 'GET' ? undefined : Buffer.from('{"auth":true}');
  return nodeRequest(
    {
      host: proxy.hostname,
      port: Number(proxy.port),
      method: options.method ?? 'POST',
      path: options.path,
      headers: {
        [MOCK_SESSION_HEADER]: session,
        ...(body && { 'content-type': 'application/json', 'content-length': body.length }),
        ...options.headers,
      },
      agent: false,
      ...(options.from !== undefined && { localAddress: options.from }),
    },
    body,
  );
}

const basic = (name: string, secret: string): string => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;
const errorCode = (answer: NodeAnswer): unknown => (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;

test.beforeEach(() => {
  test.skip(!authUrl || !user || !password || !trustedAddress, 'PROXY_AUTH_URL, PROXY_AUTH_USER, PROXY_AUTH_PASSWORD and PROXY_AUTH_TRUSTED_ADDRESS name the stack\'s proxy-auth (make test sets them)');
});

test('reverse mode: 401 with a Basic challenge without or with a wrong password; the right one signs the user and is never forwarded', async ({ journal, uniquePath }) => {
  const missing = await send(journal.session, { path: `${uniquePath}/missing` });
  expect(missing.status, missing.body).toBe(401);
  expect(missing.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+", charset="UTF-8"$/);
  expect(errorCode(missing)).toBe('AUTH_REQUIRED');
  const wrong = await send(journal.session, { path: `${uniquePath}/wrong`, headers: { authorization: basic(user, `${password}x`) } });
  expect(wrong.status, wrong.body).toBe(401);
  const ok = await send(journal.session, { path: uniquePath, headers: { authorization: basic(user, password) } });
  expect(ok.status, ok.body).toBe(200);
  const entry = await journal.only(uniquePath);
  expectValidToken(entry.token, user);
  expect(entry.headers.authorization).toBeUndefined();
  // The refused requests never reached the mock.
  expect(await journal.byPath(`${uniquePath}/missing`)).toEqual([]);
  expect(await journal.byPath(`${uniquePath}/wrong`)).toEqual([]);
});

test('forward mode: 407 with Proxy-Authenticate without Proxy-Authorization; with it the POST reaches its target signed', async ({ journal, stack, uniquePath }) => {
  const target = `${stack.mockUrl}${uniquePath}?mode=auth-forward`;
  // A client's Authorization is the origin's: it never counts as the proxy's credential.
  const missing = await send(journal.session, { path: target, headers: { authorization: basic(user, password) } });
  expect(missing.status, missing.body).toBe(407);
  expect(missing.headers['proxy-authenticate']).toMatch(/^Basic realm="[^"]+", charset="UTF-8"$/);
  expect(errorCode(missing)).toBe('PROXY_AUTH_REQUIRED');
  const ok = await send(journal.session, { path: target, headers: { 'proxy-authorization': basic(user, password), authorization: 'Bearer for-the-origin' } });
  expect(ok.status, ok.body).toBe(200);
  const entry = await journal.only(uniquePath);
  expect(entry).toMatchObject({ method: 'POST', url: `${uniquePath}?mode=auth-forward` });
  expectValidToken(entry.token, user);
  expect(entry.headers.authorization).toBe('Bearer for-the-origin');
  expect(entry.headers['proxy-authorization']).toBeUndefined();
});

test('the identity header from the trusted peer names the user, and is never forwarded', async ({ journal, uniquePath }) => {
  const ok = await send(journal.session, { path: uniquePath, headers: { 'x-forwarded-user': 'front-door-user' }, from: trustedAddress });
  expect(ok.status, ok.body).toBe(200);
  const entry = await journal.only(uniquePath);
  expectValidToken(entry.token, 'front-door-user');
  expect(entry.headers['x-forwarded-user']).toBeUndefined();
});

test('the identity header from an untrusted peer is removed: unauthenticated, 401, or the password\'s user', async ({ journal, uniquePath }) => {
  const refused = await send(journal.session, { path: `${uniquePath}/spoofed`, headers: { 'x-forwarded-user': 'admin' } });
  expect(refused.status, refused.body).toBe(401);
  expect(errorCode(refused)).toBe('AUTH_REQUIRED');
  expect(await journal.byPath(`${uniquePath}/spoofed`)).toEqual([]);
  const withPassword = await send(journal.session, { path: uniquePath, headers: { 'x-forwarded-user': 'admin', authorization: basic(user, password) } });
  expect(withPassword.status, withPassword.body).toBe(200);
  const entry = await journal.only(uniquePath);
  expectValidToken(entry.token, user);
  expect(entry.headers['x-forwarded-user']).toBeUndefined();
});

test('the own endpoints: /status and /metrics ask for the credential, /healthz stays open', async ({ journal }) => {
  const refused = await send(journal.session, { method: 'GET', path: '/status' });
  expect(refused.status).toBe(401);
  expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
  expect((await send(journal.session, { method: 'GET', path: '/metrics' })).status).toBe(401);
  const status = await send(journal.session, { method: 'GET', path: '/status', headers: { authorization: basic(user, password) } });
  expect(status.status, status.body).toBe(200);
  expect(JSON.parse(status.body)).toMatchObject({ inFlight: expect.any(Number) });
  const trusted = await send(journal.session, { method: 'GET', path: '/metrics', headers: { 'x-forwarded-user': 'prometheus' }, from: trustedAddress });
  expect(trusted.body).toMatch(/jwt_proxy_auth_total\{method="basic",result="(success|cached)"\}/);
  expect((await send(journal.session, { method: 'GET', path: '/healthz' })).status).toBe(200);
});
