// RFC 9112 §3.2 / RFC 9110 §7.1: no form of request-target carries a fragment (clients strip
// `#…` before sending). One that does is malformed, and servers disagree on what it means
// (strip it, keep it, reject it): an intermediary that passes it on invites cache-key and
// access-rule confusion upstream. Refused with 400, unforwarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

for (const form of ['origin-form', 'absolute-form'] as const) {
  test(`answers 400 BAD_REQUEST_TARGET given a fragment in an ${form} target`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const authority = `127.0.0.1:${upstream.port}`;
    const target = form === 'origin-form' ? '/admin#/public' : `http://${authority}/admin#/public`;
    const exchange = await rawExchange(`GET ${target} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
    assertRawProxyError(exchange, 400, 'BAD_REQUEST_TARGET');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}
