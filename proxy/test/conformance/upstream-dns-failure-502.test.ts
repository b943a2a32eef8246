// RFC 6761 §6.4: `.invalid` names never resolve, so a lookup fails (NXDOMAIN) without any
// server being reachable: a bad gateway with its own code, answered quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';

test('answers 502 UPSTREAM_DNS given an upstream name that does not resolve', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const proxy = await startProxy({ UPSTREAM_URL: 'http://host.invalid:8081' });
  t.after(() => proxy.close());
  const started = Date.now();
  const response = await request(proxy.port, { method: 'POST', path: '/dns', body: 'x' });
  assertSimpleProxyError(response, 502, 'UPSTREAM_DNS');
  assert.ok(Date.now() - started < 3000, 'fails fast rather than waiting for the upstream timeout');
  await awaitLogged(proxy, 'UPSTREAM_DNS');
});

test('answers 502 UPSTREAM_DNS given a forward-mode target that does not resolve', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const proxy = await startProxy({ UPSTREAM_URL: 'http://127.0.0.1:9', PROXY_ALLOWED_HOSTS: 'host.invalid' });
  t.after(() => proxy.close());
  const response = await request(proxy.port, { path: 'http://host.invalid/x', headers: { host: 'host.invalid' } });
  assertSimpleProxyError(response, 502, 'UPSTREAM_DNS');
});
