// Issue #2 failures table: a refused upstream connection is a bad gateway (RFC 9110 §15.6.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../../contracts/testing/listen.js';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';

test('answers 502 UPSTREAM_UNREACHABLE given an upstream that refuses connections', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const port = await freePort();
  const proxy = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${port}` });
  t.after(() => proxy.close());
  const response = await request(proxy.port, { method: 'POST', path: '/refused', body: 'x' });
  assertSimpleProxyError(response, 502, 'UPSTREAM_UNREACHABLE');
  await awaitLogged(proxy, 'UPSTREAM_UNREACHABLE');
  // A HEAD gets the same status and no body (RFC 9110 §9.3.2).
  const head = await request(proxy.port, { method: 'HEAD', path: '/refused' });
  assert.equal(head.status, 502);
  assert.equal(head.body.length, 0);
});

test('answers 502 UPSTREAM_UNREACHABLE given a refused forward-mode target', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const port = await freePort();
  const proxy = await startProxy({ UPSTREAM_URL: 'http://127.0.0.1:9', PROXY_ALLOWED_HOSTS: `127.0.0.1:${port}` });
  t.after(() => proxy.close());
  const response = await request(proxy.port, { path: `http://127.0.0.1:${port}/refused`, headers: { host: `127.0.0.1:${port}` } });
  assertSimpleProxyError(response, 502, 'UPSTREAM_UNREACHABLE');
});
