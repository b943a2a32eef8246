// RFC 9110 §7.6.2: a TRACE or OPTIONS request with Max-Forwards: 0 is not forwarded; the
// recipient answers it as the final recipient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers OPTIONS with Max-Forwards: 0 itself and forwards nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { method: 'OPTIONS', path: '/anything', headers: { 'max-forwards': '0' } });
  assert.equal(response.status, 200);
  assert.ok(response.headers.allow !== undefined, 'an Allow header listing what the proxy accepts');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers TRACE with Max-Forwards: 0 itself, echoing the request as message/http, given PROXY_ALLOW_TRACE=true', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOW_TRACE: 'true' } });
  const response = await request(proxy.port, {
    method: 'TRACE',
    path: '/traced',
    headers: { 'max-forwards': '0', 'x-probe': 'p1', authorization: 'Bearer top-secret', cookie: 'session=top-secret' },
  });
  assert.equal(response.status, 200);
  assert.match(String(response.headers['content-type']), /^message\/http/);
  assert.match(response.text, /^TRACE \/traced HTTP\/1\.1\r\n/);
  assert.match(response.text, /\r\nx-probe: p1\r\n/i);
  // RFC 9110 §9.3.8: credentials are not reflected.
  assert.doesNotMatch(response.text, /top-secret/);
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('answers an absolute-form OPTIONS with Max-Forwards: 0 itself, as a forward proxy', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const authority = `127.0.0.1:${upstream.port}`;
  const exchange = await rawExchange(`OPTIONS http://${authority}/x HTTP/1.1\r\nHost: ${authority}\r\nMax-Forwards: 0\r\n\r\n`, {
    port: proxy.port,
  });
  assert.equal(exchange.response?.status, 200);
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
