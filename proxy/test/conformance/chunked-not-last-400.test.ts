// RFC 9112 §6.3 item 4: in a request, a Transfer-Encoding whose final coding is not chunked
// leaves the length unknowable: the server MUST answer 400 and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

for (const [label, lines] of [
  ['Transfer-Encoding: chunked, gzip', 'Transfer-Encoding: chunked, gzip'],
  ['Transfer-Encoding: gzip alone', 'Transfer-Encoding: gzip'],
  ['chunked then gzip on two lines', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip'],
] as const) {
  test(`answers 400 and closes given ${label}, forwarding nothing`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(`POST /te HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, {
      port: proxy.port,
      untilClose: true,
    });
    assertRefusedAndClosed(exchange, 400, 'BAD_REQUEST');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}
