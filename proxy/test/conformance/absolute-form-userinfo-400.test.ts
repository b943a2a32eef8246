// RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated and a phishing vector; a
// request-target carrying it (`http://user:pass@host/`) is refused with 400, unforwarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 400 BAD_REQUEST_TARGET given an absolute-form target with userinfo', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`GET http://user:secret@${authority}/x HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
  assertRawProxyError(exchange, 400, 'BAD_REQUEST_TARGET');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
