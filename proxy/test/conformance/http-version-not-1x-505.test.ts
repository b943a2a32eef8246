// RFC 9112 §2.3 / RFC 9110 §15.6.6: Node's parser accepts a request line ending in
// `HTTP/2.0`, which is not HTTP/2 (that starts with a binary preface) and not HTTP/1.x.
// Forwarding it would make the proxy claim `Via: 2.0 …` for a protocol it never spoke;
// it is refused with 505 instead, and the connection closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 505 HTTP_VERSION_NOT_SUPPORTED given an HTTP/2.0 request line, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('POST /v2 HTTP/2.0\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi', { port: proxy.port, untilClose: true });
  assertRefusedAndClosed(exchange, 505, 'HTTP_VERSION_NOT_SUPPORTED');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
