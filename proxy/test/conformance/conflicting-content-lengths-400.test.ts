// RFC 9112 §6.3 item 5: differing Content-Length values (or a list that is not one repeated
// value) make the framing unrecoverable: 400 and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

for (const [label, lines] of [
  ['two Content-Length lines that differ', 'Content-Length: 3\r\nContent-Length: 5'],
  ['a Content-Length list with different values', 'Content-Length: 3, 5'],
  ['a non-numeric Content-Length', 'Content-Length: 3x'],
  ['a negative Content-Length', 'Content-Length: -3'],
] as const) {
  test(`answers 400 and closes given ${label}, forwarding nothing`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(`POST /cl HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}\r\n\r\nabcde`, {
      port: proxy.port,
      untilClose: true,
    });
    assertRefusedAndClosed(exchange, 400, 'BAD_REQUEST');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}
