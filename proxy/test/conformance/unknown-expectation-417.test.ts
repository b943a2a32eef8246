// RFC 9110 §10.1.1: a server that receives an Expect value other than 100-continue MAY
// answer 417; the proxy does, and forwards nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 417 EXPECTATION_FAILED and closes given an unknown expectation and forwards nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    `POST /expect HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi`,
    { port: proxy.port, untilClose: true },
  );
  assertRefusedAndClosed(exchange, 417, 'EXPECTATION_FAILED');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
