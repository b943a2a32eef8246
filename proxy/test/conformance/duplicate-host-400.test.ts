// RFC 9112 §3.2: a server MUST respond 400 to a request with more than one Host field.
// Node's parser keeps the first and drops the rest, so the proxy checks rawHeaders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 400 DUPLICATE_HOST given two Host lines and forwards nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('GET /dup HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n', { port: proxy.port });
  assertRawProxyError(exchange, 400, 'DUPLICATE_HOST');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers 400 DUPLICATE_HOST given two Host lines that differ only in case, in absolute-form', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    `POST http://127.0.0.1:${upstream.port}/dup HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nhost: other.example\r\nContent-Length: 2\r\n\r\nhi`,
    { port: proxy.port },
  );
  assertRawProxyError(exchange, 400, 'DUPLICATE_HOST');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
