// Issue #24: TLS on the proxy's own port. Reverse mode, forward mode (absolute-form over TLS,
// what `curl --proxy https://…` sends) and the own endpoints over HTTPS; X-Forwarded-Proto and
// Forwarded say https; a client CA asks for a certificate without requiring one; SIGHUP's reload
// gives new connections the new certificate and leaves open ones alone. Real servers on 127.0.0.1,
// certificates made by openssl in the test (contracts/testing/tls-fixtures.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, renameSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type tls from 'node:tls';
import { createTlsFixtures, writeFixtureFile } from '../../contracts/testing/tls-fixtures.js';
import type { CertificateFiles } from '../../contracts/testing/tls-fixtures.js';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../contracts/testing/raw-http.js';
import { within } from '../../contracts/testing/wait.js';
import { decodeToken } from '../../contracts/testing/craft-token.js';
import { startProxy, TEST_TIMEOUT_MS } from './support/proxy.js';
import { type Echo, echoHandler, startUpstream } from './support/upstreams.js';

const fixtures = createTlsFixtures();
const serverCert = fixtures.server('server');
const alice = fixtures.client('alice', 'alice');
const stranger = createTlsFixtures().client('mallory', 'mallory');

interface TlsAnswer {
  readonly status: number;
  readonly body: string;
  readonly fingerprint256: string;
  readonly alpn: string | false | null;
  readonly socket: tls.TLSSocket;
}

interface TlsRequest {
  readonly method?: string;
  readonly path: string;
  readonly body?: string;
  readonly client?: CertificateFiles;
  readonly agent?: https.Agent;
  readonly ca?: string;
}

function httpsRequest(port: number, options: TlsRequest): Promise<TlsAnswer> {
  const requestOptions: https.RequestOptions & tls.ConnectionOptions = {
    host: LOOPBACK,
    port,
    method: options.method ?? 'GET',
    path: options.path,
    ca: options.ca ?? fixtures.ca.cert,
    ALPNProtocols: ['http/1.1'],
    ...(options.agent === undefined ? { agent: false } : { agent: options.agent }),
    ...(options.client === undefined ? {} : { cert: options.client.cert, key: options.client.key }),
  };
  const req = https.request(requestOptions);
  const answer = (async () => {
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const socket = res.socket as tls.TLSSocket;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return {
      status: res.statusCode ?? 0,
      body: Buffer.concat(chunks).toString('utf8'),
      fingerprint256: socket.getPeerCertificate().fingerprint256,
      alpn: socket.alpnProtocol,
      socket,
    };
  })();
  req.end(options.body);
  return within(answer, EXCHANGE_TIMEOUT_MS, `an HTTPS answer to ${options.path}`);
}

const tlsEnv = (upstream: string, extra: Record<string, string> = {}): Record<string, string> => ({
  UPSTREAM_URL: upstream,
  TLS_CERT_FILE: serverCert.certFile,
  TLS_KEY_FILE: serverCert.keyFile,
  ...extra,
});

const fingerprintOf = (cert: string): string => new X509Certificate(cert).fingerprint256;

test('reverse mode over HTTPS: a POST is signed and forwarded, X-Forwarded-Proto and Forwarded say https', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(upstream.origin));
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await httpsRequest(proxy.port, { method: 'POST', path: '/api/orders?id=1', body: '{"id":1}' });
  assert.equal(res.status, 200);
  assert.equal(res.alpn, 'http/1.1');
  assert.equal(res.fingerprint256, fingerprintOf(serverCert.cert));
  const echo = JSON.parse(res.body) as Echo;
  assert.equal(echo.url, '/api/orders?id=1');
  assert.equal(echo.body, '{"id":1}');
  assert.deepEqual(decodeToken(String(echo.headers['x-my-jwt']))?.header, { alg: 'HS512', typ: 'JWT' });
  assert.equal(echo.headers['x-forwarded-proto'], 'https');
  assert.match(String(echo.headers.forwarded), /;proto=https(;|$)/);
  assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
});

test('forward mode over HTTPS: an absolute-form POST goes to its origin with a token and proto=https', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const target = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv('http://127.0.0.1:1', { PROXY_ALLOWED_HOSTS: `127.0.0.1:${target.port}` }));
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  const res = await httpsRequest(proxy.port, { method: 'POST', path: `${target.origin}/hello`, body: 'hi' });
  assert.equal(res.status, 200);
  const echo = JSON.parse(res.body) as Echo;
  assert.equal(echo.url, '/hello');
  assert.equal(echo.headers.host, `127.0.0.1:${target.port}`);
  assert.match(String(echo.headers['x-my-jwt']), /^eyJ/);
  assert.equal(echo.headers['x-forwarded-proto'], 'https');
  const refused = await httpsRequest(proxy.port, { method: 'POST', path: 'http://127.0.0.1:9/x', body: 'hi' });
  assert.equal(refused.status, 403);
});

test('curl --proxy https://… --proxy-cacert reaches the target through the TLS port', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const target = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(target.origin));
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  // Asynchronous: the proxy runs in this process, so a synchronous child would block it.
  const curl = await promisify(execFile)(
    'curl',
    ['-sS', '--max-time', '5', '--proxy', `https://localhost:${proxy.port}`, '--proxy-cacert', fixtures.ca.certFile, '-X', 'POST', '-d', 'hi', `${target.origin}/via-curl`],
    { encoding: 'utf8', timeout: EXCHANGE_TIMEOUT_MS },
  );
  assert.equal(curl.stderr, '');
  const echo = JSON.parse(curl.stdout) as Echo;
  assert.equal(echo.url, '/via-curl');
  assert.match(String(echo.headers['x-my-jwt']), /^eyJ/);
  assert.equal(echo.headers['x-forwarded-proto'], 'https');
});

test('the own endpoints answer over HTTPS and are never forwarded', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(upstream.origin));
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz' })).status, 200);
  const status = JSON.parse((await httpsRequest(proxy.port, { path: '/status' })).body) as { inFlight: number };
  assert.equal(status.inFlight, 0);
  assert.match((await httpsRequest(proxy.port, { path: '/metrics' })).body, /jwt_proxy_/);
  assert.equal(upstream.requests.length, 0);
});

test('a cleartext request to the TLS port is never forwarded', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(upstream.origin));
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const socket = (await import('node:net')).connect(proxy.port, LOOPBACK);
  socket.on('error', () => undefined);
  socket.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi');
  await within(once(socket, 'close'), EXCHANGE_TIMEOUT_MS, 'the cleartext connection to close');
  assert.equal(upstream.requests.length, 0);
});

test('TLS_CLIENT_CA_FILE asks for a client certificate without requiring one: verified, unverified and none are all served', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(upstream.origin, { TLS_CLIENT_CA_FILE: fixtures.ca.certFile }));
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  // What the `mtls` method reads (issue #24): socket.authorized and the peer certificate's subject CN.
  const seen: { authorized: boolean; cn: unknown }[] = [];
  proxy.server.on('secureConnection', (socket: tls.TLSSocket) => {
    seen.push({ authorized: socket.authorized, cn: socket.getPeerCertificate().subject?.CN });
  });
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz', client: alice })).status, 200);
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz', client: stranger })).status, 200);
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz' })).status, 200);
  assert.deepEqual(seen, [
    { authorized: true, cn: 'alice' },
    { authorized: false, cn: 'mallory' },
    { authorized: false, cn: undefined },
  ]);
});

test('without TLS_CLIENT_CA_FILE no client certificate is asked for', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy(tlsEnv(upstream.origin));
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const certs: unknown[] = [];
  proxy.server.on('secureConnection', (socket: tls.TLSSocket) => certs.push(socket.getPeerCertificate().subject));
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz', client: alice })).status, 200);
  assert.deepEqual(certs, [undefined]);
});

test('reload: new connections get the new certificate, an open one keeps its own; a bad file keeps the old one with one log line', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  const next = fixtures.server('next');
  // The proxy's own copies, replaced by rename as a deploy tool would.
  const certFile = writeFixtureFile(fixtures, 'live.pem', serverCert.cert);
  const keyFile = writeFixtureFile(fixtures, 'live-key.pem', serverCert.key);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: fixtures.ca.cert });
  t.after(async () => {
    agent.destroy();
    await proxy.close();
    await upstream.close();
  });
  const first = await httpsRequest(proxy.port, { path: '/healthz', agent });
  assert.equal(first.fingerprint256, fingerprintOf(serverCert.cert));

  const swap = (name: string, text: string, live: string): void => renameSync(writeFixtureFile(fixtures, name, text), live);
  swap('next.tmp', next.cert, certFile);
  swap('next-key.tmp', next.key, keyFile);
  await proxy.app.reload();
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz' })).fingerprint256, fingerprintOf(next.cert));
  const again = await httpsRequest(proxy.port, { method: 'POST', path: '/still-open', body: 'x', agent });
  assert.equal(again.socket, first.socket, 'the keep-alive connection was reused');
  assert.equal(again.status, 200);
  assert.equal(again.fingerprint256, fingerprintOf(serverCert.cert));
  assert.deepEqual(proxy.logRecords().filter((r) => r.msg === 'tls reloaded').map((r) => r.fingerprint256), [fingerprintOf(next.cert)]);

  // A key that is not the certificate's: the old context stays, one error line says why.
  copyFileSync(serverCert.keyFile, join(fixtures.dir, 'mismatch.tmp'));
  renameSync(join(fixtures.dir, 'mismatch.tmp'), keyFile);
  await proxy.app.reload();
  const failures = proxy.logRecords().filter((r) => r.msg === 'tls reload failed, keeping the old certificate');
  assert.equal(failures.length, 1);
  assert.equal(failures[0]?.level, 50);
  assert.match(String(failures[0]?.reason), /^TLS_KEY_FILE: .*live-key\.pem is not the private key/);
  assert.doesNotMatch(proxy.logLines.join('\n'), /PRIVATE KEY/);
  assert.equal((await httpsRequest(proxy.port, { path: '/healthz' })).fingerprint256, fingerprintOf(next.cert));
});

test('reload without TLS changes nothing and logs nothing about TLS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const proxy = await startProxy({});
  t.after(() => proxy.close());
  await proxy.app.reload();
  assert.deepEqual(proxy.logRecords().filter((r) => String(r.msg).startsWith('tls')), []);
});
