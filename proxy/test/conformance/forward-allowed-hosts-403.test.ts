// Issue #2 forward mode: PROXY_ALLOWED_HOSTS (comma-separated host[:port], `*` wildcards,
// default `*`) limits where absolute-form requests may go; anything else is 403, unforwarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 403 FORWARD_HOST_FORBIDDEN given a forward target outside PROXY_ALLOWED_HOSTS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const rig = await startRig(t);
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: `127.0.0.1:${rig.upstream.port}` } });
  for (const authority of [`localhost:${upstream.port}`, `127.0.0.1:${upstream.port}`, 'example.com']) {
    const exchange = await rawExchange(`POST http://${authority}/x HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 1\r\n\r\nx`, {
      port: proxy.port,
    });
    assertRawProxyError(exchange, 403, 'FORWARD_HOST_FORBIDDEN');
  }
  assert.equal(upstream.requests.length + rig.upstream.requests.length, 0, 'nothing forwarded');
});

test('forwards to a target listed in PROXY_ALLOWED_HOSTS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const rig = await startRig(t);
  const { proxy } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: `other.example, 127.0.0.1:${rig.upstream.port}` } });
  const authority = `127.0.0.1:${rig.upstream.port}`;
  const exchange = await rawExchange(`GET http://${authority}/allowed HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await rig.upstream.nthRequest(0);
  assert.equal(seen.url, '/allowed');
});

test('matches * wildcards in PROXY_ALLOWED_HOSTS and checks the port', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const rig = await startRig(t);
  const { proxy } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: `127.0.0.*:${rig.upstream.port}` } });
  const allowed = await rawExchange(`GET http://127.0.0.1:${rig.upstream.port}/w HTTP/1.1\r\nHost: x\r\n\r\n`, { port: proxy.port });
  assert.equal(allowed.response?.status, 200);
  const otherPort = await rawExchange(`GET http://127.0.0.1:${rig.upstream.port + 1}/w HTTP/1.1\r\nHost: x\r\n\r\n`, { port: proxy.port });
  assertRawProxyError(otherPort, 403, 'FORWARD_HOST_FORBIDDEN');
});
