// Issue #10 item 8: an HTTP/1.0 client cannot receive chunked framing, so a close-delimited
// upstream body (no Content-Length) reaches it close-delimited too, and Node closes the
// connection after it. The response must then say `Connection: close`, not the keep-alive the
// client asked for (RFC 9112 §9.3: a 1.0 persistent connection needs a length it can trust).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

const CLOSE_DELIMITED = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nunframed body';
const FRAMED = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nframed body';

async function exchangeWith(t: { after: (fn: () => Promise<void>) => void }, upstreamAnswer: string, version: '1.0' | '1.1') {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => (upstreamAnswer === FRAMED ? socket.write(upstreamAnswer) : socket.end(upstreamAnswer))),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return rawExchange(`GET /x HTTP/${version}\r\nHost: 127.0.0.1:${proxy.port}\r\nConnection: keep-alive\r\n\r\n`, {
    port: proxy.port,
    untilClose: upstreamAnswer !== FRAMED,
  });
}

test('tells an HTTP/1.0 keep-alive client Connection: close given a close-delimited upstream body', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const exchange = await exchangeWith(t, CLOSE_DELIMITED, '1.0');
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(response.status, 200);
  assert.equal(header(response, 'connection'), 'close');
  assert.equal(response.body.toString(), 'unframed body');
  assert.equal(exchange.closedByPeer, true, 'the proxy closes the connection, as it said');
});

test('keeps an HTTP/1.0 keep-alive client alive given a Content-Length upstream body', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const exchange = await exchangeWith(t, FRAMED, '1.0');
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(header(response, 'connection'), 'keep-alive');
  assert.equal(response.body.toString(), 'framed body');
  assert.equal(exchange.closedByPeer, false);
});

test('keeps an HTTP/1.1 client alive given a close-delimited upstream body (re-framed chunked)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) => afterRequestHead(socket, () => socket.end(CLOSE_DELIMITED)));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`GET /x HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port });
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(header(response, 'connection'), 'keep-alive');
  assert.equal(header(response, 'transfer-encoding'), 'chunked');
  assert.equal(response.body.toString(), 'unframed body');
});
