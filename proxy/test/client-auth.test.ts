// Issue #24: PROXY_AUTH. A refused request is never signed nor forwarded; the name that
// authenticated is the token's payload.user and the log line's `user`; the credential never
// goes upstream nor into a log line. Real servers on 127.0.0.1, port 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from './support/client.js';
import type { SimpleResponse } from './support/client.js';
import { assertSimpleProxyError } from './support/assertions.js';
import { startProxy, TEST_TIMEOUT_MS } from './support/proxy.js';
import type { RunningProxy } from './support/proxy.js';
import { echoHandler, startUpstream } from './support/upstreams.js';
import { basic, usersFile, writeUsers } from './support/users-file.js';
import type { Echo, RecordingUpstream } from './support/upstreams.js';

const timeout = TEST_TIMEOUT_MS;

function payloadUser(echo: Echo): unknown {
  const token = echo.headers['x-my-jwt'] as string;
  const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as { payload: { user: unknown } };
  return claims.payload.user;
}

async function start(env: Record<string, string>): Promise<{ proxy: RunningProxy; upstream: RecordingUpstream }> {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, ...env });
  return { proxy, upstream };
}

async function stop(started: { proxy: RunningProxy; upstream: RecordingUpstream }): Promise<void> {
  await started.proxy.close();
  await started.upstream.close();
}

const post = (port: number, headers: Record<string, string>, path = '/x'): Promise<SimpleResponse> =>
  request(port, { method: 'POST', path, headers, body: '{}' });

test('reverse mode answers 401 with a Basic challenge without or with a wrong credential, and signs the user with a right one', { timeout }, async (t) => {
  const started = await start({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ alice: 's3cret' }), PROXY_AUTH_REALM: 'team' });
  t.after(() => stop(started));
  const { proxy, upstream } = started;
  const missing = await post(proxy.port, {});
  assertSimpleProxyError(missing, 401, 'AUTH_REQUIRED');
  assert.equal(missing.headers['www-authenticate'], 'Basic realm="team", charset="UTF-8"');
  const wrong = await post(proxy.port, { authorization: basic('alice', 'nope') });
  assertSimpleProxyError(wrong, 401, 'AUTH_REQUIRED');
  const unknown = await post(proxy.port, { authorization: basic('mallory', 's3cret') });
  assertSimpleProxyError(unknown, 401, 'AUTH_REQUIRED');
  assert.equal(upstream.requests.length, 0, 'a refused request is never forwarded');
  const ok = await post(proxy.port, { authorization: basic('alice', 's3cret') });
  assert.equal(ok.status, 200);
  const echo = ok.json<Echo>();
  assert.equal(payloadUser(echo), 'alice');
  assert.equal(echo.headers.authorization, undefined, 'the credential is never forwarded');
  const line = proxy.logs.filter((record) => record.msg === 'request').at(-1);
  assert.equal(line?.user, 'alice');
  const logs = proxy.logLines.join('\n');
  assert.ok(!logs.includes('s3cret') && !logs.includes(basic('alice', 's3cret').slice(6)), 'no password or credential in the logs');
});

test('forward mode answers 407 with Proxy-Authenticate, and passes the client Authorization through untouched', { timeout }, async (t) => {
  const target = await startUpstream(echoHandler);
  const proxy = await startProxy({
    UPSTREAM_URL: 'http://127.0.0.1:1',
    PROXY_ALLOWED_HOSTS: `127.0.0.1:${target.port}`,
    PROXY_AUTH: 'basic',
    PROXY_USERS_FILE: usersFile({ bob: 'pw' }),
  });
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  const path = `${target.origin}/y`;
  const origin = basic('bob', 'pw');
  // The origin's credential never counts as the proxy's.
  const missing = await post(proxy.port, { authorization: origin }, path);
  assertSimpleProxyError(missing, 407, 'PROXY_AUTH_REQUIRED');
  assert.equal(missing.headers['proxy-authenticate'], 'Basic realm="jwt-proxy", charset="UTF-8"');
  assert.equal(missing.headers['www-authenticate'], undefined);
  const ok = await post(proxy.port, { 'proxy-authorization': basic('bob', 'pw'), authorization: 'Bearer for-the-origin' }, path);
  assert.equal(ok.status, 200);
  const echo = ok.json<Echo>();
  assert.equal(payloadUser(echo), 'bob');
  assert.equal(echo.headers.authorization, 'Bearer for-the-origin');
  assert.equal(echo.headers['proxy-authorization'], undefined);
});

test('the identity header names the user from a trusted peer and is never forwarded', { timeout }, async (t) => {
  const started = await start({ PROXY_AUTH: 'header', PROXY_IDENTITY_HEADER: 'X-Forwarded-User', PROXY_TRUSTED_PEERS: '127.0.0.1/32,::1' });
  t.after(() => stop(started));
  const ok = await post(started.proxy.port, { 'x-forwarded-user': 'carol@example.com' });
  assert.equal(ok.status, 200);
  const echo = ok.json<Echo>();
  assert.equal(payloadUser(echo), 'carol@example.com');
  assert.equal(echo.headers['x-forwarded-user'], undefined);
  const bad = await post(started.proxy.port, { 'x-forwarded-user': 'evil\u0085name' });
  assertSimpleProxyError(bad, 403, 'IDENTITY_INVALID');
  const tooLong = await post(started.proxy.port, { 'x-forwarded-user': 'a'.repeat(257) });
  assertSimpleProxyError(tooLong, 403, 'IDENTITY_INVALID');
  assert.equal(started.upstream.requests.length, 1);
});

test('the identity header from an untrusted peer is removed and the request is unauthenticated', { timeout }, async (t) => {
  const started = await start({ PROXY_AUTH: 'header', PROXY_IDENTITY_HEADER: 'X-Forwarded-User', PROXY_TRUSTED_PEERS: '10.0.0.0/8' });
  t.after(() => stop(started));
  const refused = await post(started.proxy.port, { 'x-forwarded-user': 'admin' });
  assertSimpleProxyError(refused, 401, 'AUTH_REQUIRED');
  // No HTTP scheme names a front proxy's header: no challenge is sent without `basic`.
  assert.equal(refused.headers['www-authenticate'], undefined);
  assert.equal(started.upstream.requests.length, 0);
});

test('with basic before header, an untrusted peer spoofing the header still needs a password', { timeout }, async (t) => {
  const started = await start({
    PROXY_AUTH: 'header,basic',
    PROXY_USERS_FILE: usersFile({ dave: 'pw' }),
    PROXY_IDENTITY_HEADER: 'X-Forwarded-User',
    PROXY_TRUSTED_PEERS: '10.0.0.0/8',
  });
  t.after(() => stop(started));
  const refused = await post(started.proxy.port, { 'x-forwarded-user': 'admin', x_forwarded_user: 'admin' });
  assertSimpleProxyError(refused, 401, 'AUTH_REQUIRED');
  const ok = await post(started.proxy.port, { 'x-forwarded-user': 'admin', x_forwarded_user: 'admin', authorization: basic('dave', 'pw') });
  const echo = ok.json<Echo>();
  assert.equal(payloadUser(echo), 'dave');
  assert.equal(echo.headers['x-forwarded-user'], undefined);
  assert.equal(echo.headers.x_forwarded_user, undefined);
});

test('failed attempts past the limit from one address get 429 with Retry-After, before bcrypt runs', { timeout }, async (t) => {
  const started = await start({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: usersFile({ erin: 'pw' }) });
  t.after(() => stop(started));
  for (let i = 0; i < 10; i += 1) assertSimpleProxyError(await post(started.proxy.port, { authorization: basic('erin', `no${i}`) }), 401, 'AUTH_REQUIRED');
  const limited = await post(started.proxy.port, { authorization: basic('erin', 'pw') });
  assertSimpleProxyError(limited, 429, 'AUTH_RATE_LIMITED');
  assert.match(limited.headers['retry-after'] ?? '', /^[1-9]\d*$/);
  // Read in process: /metrics itself asks for a credential, and this address is now limited.
  const metrics = { text: await (await started.proxy.app.metrics.registry()).metrics() };
  assert.match(metrics.text, /jwt_proxy_auth_total\{method="basic",result="failure"\} 10/);
  assert.match(metrics.text, /jwt_proxy_auth_total\{method="basic",result="rate_limited"\} 1/);
});

test('SIGHUP reloads the users file and empties the credential cache', { timeout }, async (t) => {
  const path = usersFile({ frank: 'old' });
  const started = await start({ PROXY_AUTH: 'basic', PROXY_USERS_FILE: path });
  t.after(() => stop(started));
  assert.equal((await post(started.proxy.port, { authorization: basic('frank', 'old') })).status, 200);
  writeUsers(path, { frank: 'new' });
  await started.proxy.app.reload();
  assertSimpleProxyError(await post(started.proxy.port, { authorization: basic('frank', 'old') }), 401, 'AUTH_REQUIRED');
  assert.equal((await post(started.proxy.port, { authorization: basic('frank', 'new') })).status, 200);
  writeFileSync(path, 'frank:{SHA}not-bcrypt\n');
  await started.proxy.app.reload();
  assert.equal((await post(started.proxy.port, { authorization: basic('frank', 'new') })).status, 200, 'a bad file keeps the old users');
  assert.ok(started.proxy.logs.some((record) => record.msg === 'users reload failed, keeping the old users'));
});

test('without PROXY_AUTH the token names JWT_USER and no line carries a user', { timeout }, async (t) => {
  const started = await start({ JWT_USER: 'fixed' });
  t.after(() => stop(started));
  const ok = await post(started.proxy.port, { authorization: basic('x', 'y'), 'x-forwarded-user': 'z' });
  const echo = ok.json<Echo>();
  assert.equal(payloadUser(echo), 'fixed');
  assert.equal(echo.headers.authorization, basic('x', 'y'));
  assert.equal(echo.headers['x-forwarded-user'], 'z');
  assert.ok(started.proxy.logs.every((record) => !('user' in record)));
});
