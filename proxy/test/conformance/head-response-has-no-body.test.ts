// RFC 9110 §9.3.2 / RFC 9112 §6.3 item 1: a response to HEAD never has a body, whatever its
// Content-Length says. A proxy that waits for those bytes hangs the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('relays a HEAD response with Content-Length: 100 at once, without waiting for a body', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) => afterRequestHead(socket, () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`HEAD /h HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, {
    port: proxy.port,
    method: 'HEAD',
    timeoutMs: 3000,
  });
  assert.equal(exchange.response?.status, 200);
  assert.equal(header(exchange.response!, 'content-length'), '100');
  assert.equal(exchange.response?.body.length, 0);
});
