// RFC 7239 §4, §6: the proxy appends a Forwarded element for the hop it received; an IPv6
// node is written as a quoted string in brackets: for="[::1]" (the value contains ':' and '[',
// which are not token characters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { listMembers } from '../support/assertions.js';
import { request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

/** Some CI containers have no IPv6 loopback; the IPv6 case is skipped there, not failed. */
async function ipv6LoopbackAvailable(): Promise<boolean> {
  const probe = net.createServer();
  try {
    probe.listen(0, '::1');
    await once(probe, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

test('appends a Forwarded element with a quoted, bracketed IPv6 client address', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!(await ipv6LoopbackAvailable())) {
    t.skip('no IPv6 loopback (::1) on this machine');
    return;
  }
  const { proxy, upstream } = await startRig(t, { proxy: { host: '::1' } });
  const response = await request(proxy.port, { path: '/fwd' }, '::1');
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  const elements = listMembers(seen.headers.forwarded);
  assert.equal(elements.length, 1, `one element, got ${String(seen.headers.forwarded)}`);
  const pairs = elements[0]!.split(';').map((pair) => pair.trim());
  assert.ok(pairs.includes('for="[::1]"'), `for="[::1]" in ${elements[0]}`);
  assert.ok(pairs.includes('proto=http'), `proto=http in ${elements[0]}`);
  assert.equal(seen.headers['x-forwarded-for'], '::1', 'X-Forwarded-For carries the bare IPv6 address');
  // The Host the client sent, [::1]:port, is not a token either: quoted too.
  assert.ok(pairs.includes(`host="[::1]:${proxy.port}"`), `host="[::1]:${proxy.port}" in ${elements[0]}`);
});

test('keeps earlier Forwarded elements and appends its own given PROXY_TRUST_FORWARDED=true', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_TRUST_FORWARDED: 'true' } });
  await request(proxy.port, { path: '/fwd', headers: { forwarded: 'for=192.0.2.43, for="[2001:db8:cafe::17]:4711"' } });
  const seen = await upstream.nthRequest(0);
  const elements = listMembers(seen.headers.forwarded);
  assert.equal(elements.length, 3, String(seen.headers.forwarded));
  assert.equal(elements[0], 'for=192.0.2.43');
  assert.equal(elements[1], 'for="[2001:db8:cafe::17]:4711"');
  assert.ok(elements[2]!.split(';').map((p) => p.trim()).includes('for=127.0.0.1'), elements[2]);
});

test('drops client-sent Forwarded elements by default and sends only its own', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  await request(proxy.port, { path: '/fwd', headers: { forwarded: 'for=192.0.2.43;by=forged' } });
  const seen = await upstream.nthRequest(0);
  const elements = listMembers(seen.headers.forwarded);
  assert.equal(elements.length, 1, String(seen.headers.forwarded));
  assert.ok(elements[0]!.split(';').map((p) => p.trim()).includes('for=127.0.0.1'), elements[0]);
  assert.doesNotMatch(String(seen.headers.forwarded), /forged|192\.0\.2\.43/);
});
