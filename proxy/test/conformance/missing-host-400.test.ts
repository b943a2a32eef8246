// RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without a Host field.
// Like every answer the proxy writes itself, it carries the JSON error body with a code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 400 BAD_REQUEST and closes given an HTTP/1.1 request without Host, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('POST /no-host HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi', { port: proxy.port, untilClose: true });
  assertRefusedAndClosed(exchange, 400, 'BAD_REQUEST');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('forwards an HTTP/1.0 request without Host (Host is only required from HTTP/1.1)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('GET /ten HTTP/1.0\r\n\r\n', { port: proxy.port, untilClose: true });
  assert.equal(exchange.response?.status, 200);
  assert.equal((await upstream.nthRequest(0)).url, '/ten');
});
