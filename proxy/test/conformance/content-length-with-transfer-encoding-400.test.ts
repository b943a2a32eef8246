// RFC 9112 §6.1 / §6.3: a message with both Content-Length and Transfer-Encoding is the
// classic request-smuggling vector (CL.TE / TE.CL); a proxy MUST NOT forward it as is.
// We refuse it with 400 and close the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 400 and closes given Content-Length with Transfer-Encoding, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  const exchange = await rawExchange(
    `POST /cl-te HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    { port: proxy.port, untilClose: true },
  );
  assertRefusedAndClosed(exchange, 400, 'BAD_REQUEST');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded, not even the smuggled request');
});
