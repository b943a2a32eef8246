// Issue #2: no response head within UPSTREAM_TIMEOUT_MS is a gateway timeout (RFC 9110
// §15.6.5), and the upstream request is abandoned (its connection closed), not left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { within } from '../../../contracts/testing/wait.js';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('answers 504 UPSTREAM_TIMEOUT given an upstream that never answers, and closes the upstream connection', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream(() => undefined);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, UPSTREAM_TIMEOUT_MS: '150' });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const connected = upstream.nextConnection();
  const started = Date.now();
  const response = await request(proxy.port, { method: 'POST', path: '/slow', body: 'x' });
  assertSimpleProxyError(response, 504, 'UPSTREAM_TIMEOUT');
  assert.ok(Date.now() - started >= 140, 'not before the timeout');
  const socket = await connected;
  if (!socket.closed) await within(once(socket, 'close'), 2000, 'the proxy to close the upstream connection');
  await awaitLogged(proxy, 'UPSTREAM_TIMEOUT');
});

test('answers 504 UPSTREAM_TIMEOUT given an upstream that trickles its head slower than the timeout', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // One byte every 20 ms keeps the socket busy, so an idle timer alone would never fire:
  // the head as a whole must arrive within UPSTREAM_TIMEOUT_MS.
  const drips = new Set<NodeJS.Timeout>();
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => {
      socket.write('HTTP/1.1 200 OK\r\nX-Drip: ');
      const drip = setInterval(() => (socket.writable ? socket.write('a') : clearInterval(drip)), 20);
      drips.add(drip);
    }),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, UPSTREAM_TIMEOUT_MS: '150' });
  t.after(async () => {
    for (const drip of drips) clearInterval(drip);
    await proxy.close();
    await upstream.close();
  });
  const started = Date.now();
  const response = await request(proxy.port, { method: 'POST', path: '/drip', body: 'x' });
  assertSimpleProxyError(response, 504, 'UPSTREAM_TIMEOUT');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 140 && elapsed < 1500, `504 after ${elapsed} ms, expected about 150 ms`);
});
