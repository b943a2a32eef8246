// RFC 9110 §7.6.2: a TRACE or OPTIONS request with Max-Forwards: n > 0 is forwarded with n - 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('forwards OPTIONS with Max-Forwards: 5 as Max-Forwards: 4', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { method: 'OPTIONS', path: '/opt', headers: { 'max-forwards': '5' } });
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.method, 'OPTIONS');
  assert.equal(seen.headers['max-forwards'], '4');
});

test('forwards TRACE with Max-Forwards: 1 as Max-Forwards: 0 given PROXY_ALLOW_TRACE=true', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOW_TRACE: 'true' } });
  const response = await request(proxy.port, { method: 'TRACE', path: '/tr', headers: { 'max-forwards': '1' } });
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.method, 'TRACE');
  assert.equal(seen.headers['max-forwards'], '0');
});

test('forwards OPTIONS without Max-Forwards unchanged', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  await request(proxy.port, { method: 'OPTIONS', path: '/opt' });
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.headers['max-forwards'], undefined);
});
