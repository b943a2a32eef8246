// Issue #2: UPSTREAM_URL may be https://. When the TLS handshake fails (here: the upstream
// speaks plain HTTP, so OpenSSL reports EPROTO "wrong version number") the client gets a 502
// with its own code, UPSTREAM_TLS, not a generic one, and nothing of OpenSSL's text.
import { test } from 'node:test';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRawUpstream } from '../support/upstreams.js';

test('answers 502 UPSTREAM_TLS given an https:// upstream that does not speak TLS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
  const proxy = await startProxy({ UPSTREAM_URL: `https://127.0.0.1:${upstream.port}` });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const response = await request(proxy.port, { method: 'POST', path: '/tls', body: 'x' });
  assertSimpleProxyError(response, 502, 'UPSTREAM_TLS');
  await awaitLogged(proxy, 'UPSTREAM_TLS');
});

test('answers 502 UPSTREAM_TLS given an absolute-form https:// target that does not speak TLS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const target = await startRawUpstream((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
  const proxy = await startProxy({ UPSTREAM_URL: 'http://127.0.0.1:9', PROXY_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  const authority = `127.0.0.1:${target.port}`;
  const response = await request(proxy.port, { method: 'POST', path: `https://${authority}/tls`, headers: { host: authority }, body: 'x' });
  assertSimpleProxyError(response, 502, 'UPSTREAM_TLS');
});
