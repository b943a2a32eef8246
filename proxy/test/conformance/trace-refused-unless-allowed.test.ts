// RFC 9110 §9.3.8: TRACE reflects the request, which can expose credentials added along
// the way (here: the proxy's own token). Refused with 405 unless PROXY_ALLOW_TRACE=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers TRACE with 405 TRACE_NOT_ALLOWED by default and forwards nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { method: 'TRACE', path: '/tr' });
  assertSimpleProxyError(response, 405, 'TRACE_NOT_ALLOWED');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('forwards TRACE given PROXY_ALLOW_TRACE=true', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOW_TRACE: 'true' } });
  const response = await request(proxy.port, { method: 'TRACE', path: '/tr' });
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.method, 'TRACE');
  assert.equal(seen.url, '/tr');
});
