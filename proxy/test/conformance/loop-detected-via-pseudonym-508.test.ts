// RFC 9110 §7.6 / §7.6.3: Via exists to detect forwarding loops. A request that already
// passed through this proxy (its pseudonym is in Via), or whose forward target is the
// proxy's own listener, is answered 508 instead of being forwarded again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError, assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 508 LOOP_DETECTED given a Via that already names this proxy', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { method: 'POST', path: '/loop', headers: { via: '1.1 other, 1.1 jwt-proxy' }, body: 'x' });
  assertSimpleProxyError(response, 508, 'LOOP_DETECTED');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('matches the configured PROXY_NAME, not the default, when detecting loops', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_NAME: 'edge-7' } });
  const looped = await request(proxy.port, { path: '/loop', headers: { via: '1.1 edge-7' } });
  assertSimpleProxyError(looped, 508, 'LOOP_DETECTED');
  const other = await request(proxy.port, { path: '/fine', headers: { via: '1.1 jwt-proxy' } });
  assert.equal(other.status, 200);
  assert.deepEqual(upstream.requests.map((r) => r.url), ['/fine']);
});

test('answers 508 LOOP_DETECTED given an absolute-form target that is the proxy itself, by any local name', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // `*` opts in to any target, so the loop check, not the allowlist, is what answers.
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: '*' } });
  for (const name of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.2', 'LOCALHOST.']) {
    const authority = `${name}:${proxy.port}`;
    const exchange = await rawExchange(`GET http://${authority}/again HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
    assertRawProxyError(exchange, 508, 'LOOP_DETECTED');
  }
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
