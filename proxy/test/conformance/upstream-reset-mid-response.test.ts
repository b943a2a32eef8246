// A reset upstream connection: before the response head it is a 502; after the head was
// relayed the status cannot change, so the proxy aborts the client response (RFC 9112 §8:
// an incomplete message must be recognisable as such) instead of ending it as if complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('answers 502 UPSTREAM_RESET given an upstream that resets before responding', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) => afterRequestHead(socket, () => socket.resetAndDestroy()));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const response = await request(proxy.port, { method: 'POST', path: '/reset', body: 'x' });
  assertSimpleProxyError(response, 502, 'UPSTREAM_RESET');
  await awaitLogged(proxy, 'UPSTREAM_RESET');
});

for (const [label, head] of [
  ['a Content-Length response', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'],
  ['a chunked response', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n'],
] as const) {
  test(`aborts the client response given an upstream that resets in the middle of ${label}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const upstream = await startRawUpstream((socket) =>
      afterRequestHead(socket, () => {
        socket.write(head, () => socket.resetAndDestroy());
      }),
    );
    const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
    t.after(async () => {
      await proxy.close();
      await upstream.close();
    });
    const exchange = await rawExchange(`GET /reset HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, {
      port: proxy.port,
      untilClose: true,
    });
    assert.equal(exchange.closedByPeer, true, 'the proxy closes the client connection');
    const response = exchange.response;
    assert.ok(response !== undefined, 'the response head was relayed');
    assert.equal(response.status, 200);
    assert.equal(response.complete, false, 'the client can tell the body is incomplete');
    assert.equal(response.body.toString(), '0123456789');
    await awaitLogged(proxy, 'UPSTREAM_RESET');
  });
}

test('aborts the client response given an upstream that closes cleanly (FIN) before its Content-Length is reached', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789')),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`GET /fin HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port, untilClose: true });
  assert.equal(exchange.closedByPeer, true);
  assert.equal(exchange.response?.status, 200);
  assert.equal(exchange.response?.complete, false, 'the client can tell the body is incomplete');
  assert.equal(exchange.response?.body.toString(), '0123456789');
});
