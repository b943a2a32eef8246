// Issue #2: no response head within UPSTREAM_TIMEOUT_MS is a gateway timeout (RFC 9110
// §15.6.5), and the upstream request is abandoned (its connection closed), not left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { assertSimpleProxyError, awaitLogged, request, startProxy, startRawUpstream, TEST_TIMEOUT_MS, within } from './support.js';

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
