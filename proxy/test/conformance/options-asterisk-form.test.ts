// RFC 9112 §3.2.4: `OPTIONS * HTTP/1.1` (asterisk-form) asks about the server as a whole. It is
// forwarded as is; with Max-Forwards: 0 the proxy answers it itself (RFC 9110 §7.6.2).
// Asterisk-form with any other method is malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('forwards OPTIONS * in asterisk-form', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.deepEqual([seen.method, seen.url], ['OPTIONS', '*']);
});

test('answers OPTIONS * with Max-Forwards: 0 itself', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nMax-Forwards: 0\r\n\r\n', { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  assert.ok(header(exchange.response!, 'allow') !== undefined);
  assert.equal(upstream.requests.length, 0);
});

test('answers 400 BAD_REQUEST_TARGET given asterisk-form with a method other than OPTIONS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { port: proxy.port });
  assertRawProxyError(exchange, 400, 'BAD_REQUEST_TARGET');
  assert.equal(upstream.requests.length, 0);
});
