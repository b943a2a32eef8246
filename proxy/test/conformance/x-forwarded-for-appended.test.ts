// X-Forwarded-For/-Proto/-Host (de facto): the client address is appended to a trusted
// list; PROXY_TRUST_FORWARDED=false (the default) replaces what the client claimed, so a
// client cannot forge its origin towards the upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listMembers } from '../support/assertions.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('appends the client address to X-Forwarded-For given PROXY_TRUST_FORWARDED=true', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_TRUST_FORWARDED: 'true' } });
  await request(proxy.port, { path: '/xff', headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } });
  const seen = await upstream.nthRequest(0);
  assert.deepEqual(listMembers(seen.headers['x-forwarded-for']), ['203.0.113.7', '198.51.100.2', '127.0.0.1']);
});

test('replaces a client-sent X-Forwarded-For with the client address by default', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  await request(proxy.port, { path: '/xff', headers: { 'x-forwarded-for': '203.0.113.7' } });
  const seen = await upstream.nthRequest(0);
  assert.deepEqual(listMembers(seen.headers['x-forwarded-for']), ['127.0.0.1']);
});

test('sets X-Forwarded-Proto to http and X-Forwarded-Host to the Host the client asked for', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  await request(proxy.port, {
    path: '/xff',
    headers: { host: 'public.example:8443', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'forged.example' },
  });
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers['x-forwarded-host'], 'public.example:8443');
  assert.equal(seen.rawHeaders.filter((_, i, all) => i % 2 === 0 && all[i]?.toLowerCase() === 'x-forwarded-host').length, 1);
});
