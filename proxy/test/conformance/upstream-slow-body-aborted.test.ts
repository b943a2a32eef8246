// An upstream that sends its head and then stalls mid-body: after UPSTREAM_TIMEOUT_MS of
// silence the proxy gives up on it, closes the upstream connection and aborts the client
// response (the status was already sent; the client must see an incomplete body, not a
// truncated one passed off as complete).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { within } from '../../../contracts/testing/wait.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('aborts the client response and the upstream connection given an upstream that stalls mid-body', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst-part')),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, UPSTREAM_TIMEOUT_MS: '200' });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const connected = upstream.nextConnection();
  const exchange = await rawExchange(`GET /slow-body HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, {
    port: proxy.port,
    untilClose: true,
  });
  assert.equal(exchange.closedByPeer, true);
  assert.equal(exchange.response?.status, 200);
  assert.equal(exchange.response?.complete, false, 'the client can tell the body is incomplete');
  assert.equal(exchange.response?.body.toString(), 'first-part');
  const socket = await connected;
  if (!socket.closed) await within(once(socket, 'close'), 2000, 'the proxy to close the upstream connection');
  await awaitLogged(proxy, 'UPSTREAM_TIMEOUT');
});
