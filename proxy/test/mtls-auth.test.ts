// Issue #24: PROXY_AUTH=mtls against a real TLS listener. A client certificate that verifies
// against TLS_CLIENT_CA_FILE names the user by its subject CN (signed as payload.user); none is
// 401 in reverse mode and 407 in forward mode; one from a foreign CA is refused and never falls
// through to the next method; with `mtls,basic` (or `basic,mtls`) the first method that finds a
// credential decides. Real servers on 127.0.0.1, port 0, certificates made by openssl in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import { createTlsFixtures } from '../../contracts/testing/tls-fixtures.js';
import type { CertificateFiles } from '../../contracts/testing/tls-fixtures.js';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../contracts/testing/raw-http.js';
import { within } from '../../contracts/testing/wait.js';
import { decodeToken } from '../../contracts/testing/craft-token.js';
import { assertProxyError } from './support/assertions.js';
import { startProxy, TEST_TIMEOUT_MS } from './support/proxy.js';
import type { RunningProxy } from './support/proxy.js';
import { type Echo, echoHandler, startUpstream } from './support/upstreams.js';
import type { RecordingUpstream } from './support/upstreams.js';
import { basic, usersFile } from './support/users-file.js';

const timeout = TEST_TIMEOUT_MS;
const fixtures = createTlsFixtures();
const serverCert = fixtures.server('server');
const alice = fixtures.client('alice', 'alice');
/** Same CN, another CA: must never name "alice". */
const foreign = createTlsFixtures().client('alice', 'foreign-alice');

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function send(port: number, path: string, options: { client?: CertificateFiles; headers?: Record<string, string>; method?: string } = {}): Promise<Answer> {
  const req = https.request({
    host: LOOPBACK,
    port,
    method: options.method ?? 'POST',
    path,
    headers: options.headers,
    ca: fixtures.ca.cert,
    agent: false,
    ...(options.client !== undefined && { cert: options.client.cert, key: options.client.key }),
  });
  const answer = (async () => {
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  })();
  req.end(options.method === 'GET' ? undefined : '{}');
  return within(answer, EXCHANGE_TIMEOUT_MS, `an HTTPS answer to ${path}`);
}

function userOf(answer: Answer): unknown {
  assert.equal(answer.status, 200, answer.body);
  const echo = JSON.parse(answer.body) as Echo;
  const claims = decodeToken(String(echo.headers['x-my-jwt']))?.claims as { payload: { user: unknown } };
  return claims.payload.user;
}

const refused = (answer: Answer, status: 401 | 407): void =>
  void assertProxyError(answer.status, answer.headers['content-type'], answer.body, status, status === 401 ? 'AUTH_REQUIRED' : 'PROXY_AUTH_REQUIRED');

interface Started {
  readonly proxy: RunningProxy;
  readonly upstream: RecordingUpstream;
  readonly close: () => Promise<void>;
}

async function startMtls(env: Record<string, string>, forward = false): Promise<Started> {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({
    UPSTREAM_URL: forward ? 'http://127.0.0.1:1' : upstream.origin,
    ...(forward && { PROXY_ALLOWED_HOSTS: `127.0.0.1:${upstream.port}` }),
    TLS_CERT_FILE: serverCert.certFile,
    TLS_KEY_FILE: serverCert.keyFile,
    TLS_CLIENT_CA_FILE: fixtures.ca.certFile,
    ...env,
  });
  return {
    proxy,
    upstream,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}

test('reverse mode: a certificate from the CA with CN=alice signs payload.user "alice"; none is 401; a foreign CA is refused', { timeout }, async (t) => {
  const started = await startMtls({ PROXY_AUTH: 'mtls' });
  t.after(() => started.close());
  const { proxy, upstream } = started;
  assert.equal(userOf(await send(proxy.port, '/orders', { client: alice })), 'alice');
  assert.equal(proxy.logs.filter((r) => r.msg === 'request').at(-1)?.user, 'alice');
  const none = await send(proxy.port, '/orders');
  refused(none, 401);
  assert.equal(none.headers['www-authenticate'], undefined, 'no HTTP scheme names a client certificate');
  refused(await send(proxy.port, '/orders', { client: foreign }), 401);
  assert.equal(upstream.requests.length, 1, 'only the verified request was forwarded');
  assert.doesNotMatch(proxy.logLines.join('\n'), /BEGIN CERTIFICATE|PRIVATE KEY/);
  const metrics = await (await proxy.app.metrics.registry()).metrics();
  assert.match(metrics, /jwt_proxy_auth_total\{method="mtls",result="success"\} 1\n/);
  assert.match(metrics, /jwt_proxy_auth_total\{method="mtls",result="failure"\} 1\n/);
  assert.match(metrics, /jwt_proxy_auth_total\{method="none",result="missing"\} 1\n/);
});

test('forward mode: the certificate names the user; none or a foreign CA is 407', { timeout }, async (t) => {
  const started = await startMtls({ PROXY_AUTH: 'mtls' }, true);
  t.after(() => started.close());
  const { proxy, upstream } = started;
  const target = `${upstream.origin}/via-proxy`;
  assert.equal(userOf(await send(proxy.port, target, { client: alice })), 'alice');
  refused(await send(proxy.port, target), 407);
  refused(await send(proxy.port, target, { client: foreign }), 407);
  assert.equal(upstream.requests.length, 1);
});

test('the own endpoints take the certificate too: /status with it, 401 without, /healthz open', { timeout }, async (t) => {
  const started = await startMtls({ PROXY_AUTH: 'mtls' });
  t.after(() => started.close());
  const { proxy } = started;
  assert.equal((await send(proxy.port, '/status', { method: 'GET', client: alice })).status, 200);
  refused(await send(proxy.port, '/status', { method: 'GET' }), 401);
  refused(await send(proxy.port, '/metrics', { method: 'GET', client: foreign }), 401);
  assert.equal((await send(proxy.port, '/healthz', { method: 'GET' })).status, 200);
});

test('PROXY_AUTH=mtls,basic: the certificate decides when there is one; a foreign one never falls through to the password', { timeout }, async (t) => {
  const started = await startMtls({ PROXY_AUTH: 'mtls,basic', PROXY_USERS_FILE: usersFile({ bob: 'pw' }) });
  t.after(() => started.close());
  const { proxy, upstream } = started;
  const bob = { authorization: basic('bob', 'pw') };
  assert.equal(userOf(await send(proxy.port, '/a', { client: alice, headers: bob })), 'alice');
  assert.equal(userOf(await send(proxy.port, '/b', { headers: bob })), 'bob');
  const foreignWithPassword = await send(proxy.port, '/c', { client: foreign, headers: bob });
  refused(foreignWithPassword, 401);
  assert.equal(foreignWithPassword.headers['www-authenticate'], 'Basic realm="jwt-proxy", charset="UTF-8"');
  refused(await send(proxy.port, '/d'), 401);
  assert.equal(upstream.requests.length, 2);
  // The proxy's Basic credential is never forwarded, whichever method decided.
  assert.ok(upstream.requests.every((r) => r.headers.authorization === undefined));
});

test('PROXY_AUTH=basic,mtls: a password decides before the certificate; a wrong one is refused even with a good certificate', { timeout }, async (t) => {
  const started = await startMtls({ PROXY_AUTH: 'basic,mtls', PROXY_USERS_FILE: usersFile({ bob: 'pw' }) });
  t.after(() => started.close());
  const { proxy } = started;
  assert.equal(userOf(await send(proxy.port, '/a', { client: alice, headers: { authorization: basic('bob', 'pw') } })), 'bob');
  refused(await send(proxy.port, '/b', { client: alice, headers: { authorization: basic('bob', 'wrong') } }), 401);
  assert.equal(userOf(await send(proxy.port, '/c', { client: alice })), 'alice');
});
