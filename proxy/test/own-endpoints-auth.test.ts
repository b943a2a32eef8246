// Issue #24: with PROXY_AUTH, the own endpoints that carry traffic, configuration and the
// upstream's name (/status, its page files and series, /metrics) ask the same authenticator as
// forwarded requests, with the reverse-mode rules (401 + WWW-Authenticate: they are origin-form);
// /healthz and the JWKS stay open. Real servers on 127.0.0.1, port 0; WORKERS=2 as a real process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './support/client.js';
import type { SimpleResponse } from './support/client.js';
import { assertSimpleProxyError } from './support/assertions.js';
import { startMain, stopMain, MAIN_WAIT_MS } from './support/main-process.js';
import { startProxy, TEST_TIMEOUT_MS } from './support/proxy.js';
import type { RunningProxy } from './support/proxy.js';
import { echoHandler, startUpstream } from './support/upstreams.js';
import { basic, usersFile } from './support/users-file.js';

const timeout = TEST_TIMEOUT_MS;

/** Every own endpoint that needs a credential under PROXY_AUTH. */
const GUARDED = ['/status', '/status/series', '/status/page.js', '/status/page.css', '/status/uplot.min.js', '/status/uplot.min.css', '/metrics'];
/** The open ones and what they answer: with an HMAC secret the JWKS responder itself says 404 JWKS_NOT_CONFIGURED. */
const OPEN: Readonly<Record<string, number>> = { '/healthz': 200, '/.well-known/jwks.json': 404 };

interface Started {
  readonly proxy: RunningProxy;
  readonly forwarded: () => number;
  readonly close: () => Promise<void>;
}

async function startWith(env: Record<string, string>): Promise<Started> {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, ...env });
  return {
    proxy,
    forwarded: () => upstream.requests.length,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}

const get = (port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<SimpleResponse> =>
  request(port, { method, path, headers });

test('under PROXY_AUTH=basic every own endpoint but /healthz and the JWKS answers 401 with the Basic challenge without a credential', { timeout }, async (t) => {
  const started = await startWith({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ alice: 's3cret' }), PROXY_AUTH_REALM: 'ops' });
  t.after(() => started.close());
  const { proxy } = started;
  for (const path of GUARDED) {
    for (const method of ['GET', 'HEAD']) {
      const refused = await get(proxy.port, path, {}, method);
      assert.equal(refused.status, 401, `${method} ${path}`);
      assert.equal(refused.headers['www-authenticate'], 'Basic realm="ops", charset="UTF-8"', `${method} ${path}`);
      assert.equal(refused.headers['proxy-authenticate'], undefined);
    }
    assertSimpleProxyError(await get(proxy.port, `${path}?x=1`, { authorization: basic('alice', 'wrong') }), 401, 'AUTH_REQUIRED');
    // Proxy-Authorization is the forward-mode credential; an origin-form request is reverse mode.
    assert.equal((await get(proxy.port, path, { 'proxy-authorization': basic('alice', 's3cret') })).status, 401, path);
  }
  for (const [path, status] of Object.entries(OPEN)) assert.equal((await get(proxy.port, path)).status, status, path);
  const page = await get(proxy.port, '/status', { accept: 'text/html' });
  assert.equal(page.status, 401, 'the HTML page too');
  assert.ok(!page.text.includes('<html'), 'a refusal carries no page');
  assert.equal(started.forwarded(), 0, 'an own endpoint is never forwarded, refused or not');
});

test('a right Basic credential opens every own endpoint; the log line names the user and never the credential', { timeout }, async (t) => {
  const started = await startWith({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ alice: 's3cret' }) });
  t.after(() => started.close());
  const { proxy } = started;
  const credential = { authorization: basic('alice', 's3cret') };
  for (const path of GUARDED) assert.equal((await get(proxy.port, path, credential)).status, 200, path);
  const status = await get(proxy.port, '/status', credential);
  assert.equal(typeof status.json<{ requestsProcessed: number }>().requestsProcessed, 'number');
  const page = await get(proxy.port, '/status', { ...credential, accept: 'text/html' });
  assert.match(page.headers['content-type'] ?? '', /^text\/html/);
  const metrics = await get(proxy.port, '/metrics', credential);
  // The first check ran bcrypt, the rest were answered from the cache.
  assert.match(metrics.text, /jwt_proxy_auth_total\{method="basic",result="success"\} 1\n/);
  assert.match(metrics.text, /jwt_proxy_auth_total\{method="basic",result="cached"\} [1-9]/);
  const lines = proxy.logs.filter((record) => record.msg === 'request' && record.url === '/metrics');
  assert.equal(lines.at(-1)?.user, 'alice');
  assert.equal(lines.at(-1)?.status, 200);
  const refusedLine = await get(proxy.port, '/metrics').then(() => proxy.logs.filter((r) => r.msg === 'request').at(-1));
  assert.equal(refusedLine?.status, 401);
  assert.equal(refusedLine?.user, undefined);
  const logs = proxy.logLines.join('\n');
  assert.ok(!logs.includes('s3cret') && !logs.includes(credential.authorization.slice(6)), 'no password or credential in the logs');
});

test('failed attempts on the own endpoints count toward the per-address limit (429)', { timeout }, async (t) => {
  const started = await startWith({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ alice: 's3cret' }) });
  t.after(() => started.close());
  const { proxy } = started;
  for (let i = 0; i < 10; i += 1) assertSimpleProxyError(await get(proxy.port, '/status', { authorization: basic('alice', `no${i}`) }), 401, 'AUTH_REQUIRED');
  const limited = await get(proxy.port, '/metrics', { authorization: basic('alice', 's3cret') });
  assertSimpleProxyError(limited, 429, 'AUTH_RATE_LIMITED');
  assert.match(limited.headers['retry-after'] ?? '', /^[1-9]\d*$/);
});

test('the identity header opens the own endpoints from a trusted peer only, and is answered 401 without a challenge otherwise', { timeout }, async (t) => {
  const trusted = await startWith({ PROXY_AUTH: 'header', PROXY_IDENTITY_HEADER: 'X-Forwarded-User', PROXY_TRUSTED_PEERS: '127.0.0.1/32' });
  const untrusted = await startWith({ PROXY_AUTH: 'header', PROXY_IDENTITY_HEADER: 'X-Forwarded-User', PROXY_TRUSTED_PEERS: '10.0.0.0/8' });
  t.after(async () => {
    await trusted.close();
    await untrusted.close();
  });
  const ok = await get(trusted.proxy.port, '/status', { 'x-forwarded-user': 'carol' });
  assert.equal(ok.status, 200);
  assert.equal(trusted.proxy.logs.filter((r) => r.msg === 'request').at(-1)?.user, 'carol');
  assertSimpleProxyError(await get(trusted.proxy.port, '/metrics', { 'x-forwarded-user': 'bad\u0085name' }), 403, 'IDENTITY_INVALID');
  const refused = await get(untrusted.proxy.port, '/status', { 'x-forwarded-user': 'admin', x_forwarded_user: 'admin' });
  assertSimpleProxyError(refused, 401, 'AUTH_REQUIRED');
  assert.equal(refused.headers['www-authenticate'], undefined, 'no HTTP scheme names a front proxy header');
  assert.equal((await get(untrusted.proxy.port, '/healthz')).status, 200);
});

test('without PROXY_AUTH every own endpoint stays open', { timeout }, async (t) => {
  const started = await startWith({});
  t.after(() => started.close());
  const { proxy } = started;
  for (const path of GUARDED) assert.equal((await get(proxy.port, path)).status, 200, path);
  for (const [path, status] of Object.entries(OPEN)) assert.equal((await get(proxy.port, path)).status, status, path);
});

test('under WORKERS=2 every worker asks for the credential on /status and /metrics, and /healthz stays open', { timeout: 3 * MAIN_WAIT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const main = await startMain({
    UPSTREAM_URL: upstream.origin,
    WORKERS: '2',
    LOG_LEVEL: 'warn',
    PROXY_AUTH: 'basic',
    PROXY_USERS_FILE: usersFile({ alice: 's3cret' }),
  });
  t.after(async () => {
    await stopMain(main.child);
    await upstream.close();
  });
  const credential = { authorization: basic('alice', 's3cret') };
  // Fresh connections: the primary hands them round-robin to both workers.
  for (let i = 0; i < 4; i += 1) {
    const refused = await get(main.port, i % 2 === 0 ? '/status' : '/metrics');
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'] ?? '', /^Basic realm=/);
    assert.equal((await get(main.port, i % 2 === 0 ? '/status' : '/metrics', credential)).status, 200);
    assert.equal((await get(main.port, '/healthz')).status, 200);
  }
  assert.equal(upstream.requests.length, 0);
});
