// RFC 6585 §5: a header section larger than the server accepts (Node's maxHeaderSize,
// 16 KiB) is answered 431 and the connection closed; nothing is forwarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 431 HEADERS_TOO_LARGE and closes given a 32 KiB header section, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    `GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`,
    { port: proxy.port, untilClose: true },
  );
  assertRefusedAndClosed(exchange, 431, 'HEADERS_TOO_LARGE');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers 431 HEADERS_TOO_LARGE given many small headers that add up past the limit', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const lines = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'v'.repeat(10)}\r\n`).join('');
  const exchange = await rawExchange(`GET /many HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}\r\n`, { port: proxy.port, untilClose: true });
  assertRefusedAndClosed(exchange, 431, 'HEADERS_TOO_LARGE');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
