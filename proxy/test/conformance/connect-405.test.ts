// Issue #2: CONNECT would open an opaque TLS tunnel, and the proxy signs each request, which
// it cannot do inside a tunnel: 405 with an explanation (RFC 9110 §9.3.6, §15.5.6 Allow).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers CONNECT with 405 CONNECT_NOT_SUPPORTED and an Allow header, opening no tunnel', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port, untilClose: true });
  assertRefusedAndClosed(exchange, 405, 'CONNECT_NOT_SUPPORTED');
  const allow = header(exchange.response!, 'allow') ?? '';
  assert.ok(allow.includes('POST') && !allow.includes('CONNECT'), `Allow: ${allow}`);
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  assert.equal(upstream.openSockets(), 0, 'no tunnel opened to the target');
});
