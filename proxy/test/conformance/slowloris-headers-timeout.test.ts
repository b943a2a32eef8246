// Slowloris (CVE-2007-6750 class): a client that trickles its header section, or its body,
// or sits idle on a kept-alive connection must not hold a socket for long. The proxy sets
// the server's headersTimeout, requestTimeout and keepAliveTimeout (HEADERS_TIMEOUT_MS,
// REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS). Node enforces the first two on a periodic
// sweep (connectionsCheckingInterval, 30 s by default), which the proxy shortens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readResponse, rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 408 REQUEST_TIMEOUT and closes given headers trickled past HEADERS_TIMEOUT_MS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    env: { HEADERS_TIMEOUT_MS: '150', REQUEST_TIMEOUT_MS: '5000' },
  });
  assert.equal(proxy.server.headersTimeout, 150);
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write('GET /slowloris HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  // The attack itself: one more header line every 20 ms, never the blank line.
  let n = 0;
  const trickle = setInterval(() => socket.writable && socket.write(`X-Drip-${(n += 1)}: a\r\n`), 20);
  t.after(() => clearInterval(trickle));
  const started = Date.now();
  const exchange = await readResponse(socket, { port: proxy.port, untilClose: true, timeoutMs: 3000 });
  clearInterval(trickle);
  assertRefusedAndClosed(exchange, 408, 'REQUEST_TIMEOUT');
  assert.ok(Date.now() - started >= 140, 'not before the timeout');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});

test('closes the connection given a body trickled past REQUEST_TIMEOUT_MS, never forwarding it complete', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    handler: (req, res) => req.on('end', () => res.end('complete')),
    env: { HEADERS_TIMEOUT_MS: '100', REQUEST_TIMEOUT_MS: '200' },
  });
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write('POST /slow-body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n');
  const trickle = setInterval(() => socket.writable && socket.write('b'), 20);
  t.after(() => clearInterval(trickle));
  const exchange = await readResponse(socket, { port: proxy.port, untilClose: true, timeoutMs: 3000 });
  clearInterval(trickle);
  assert.equal(exchange.closedByPeer, true);
  if (exchange.response !== undefined) assert.equal(exchange.response.status, 408);
  for (const seen of upstream.requests) {
    await upstream.settled(seen);
    assert.equal(seen.complete, false);
  }
});

test('closes an idle kept-alive connection after KEEP_ALIVE_TIMEOUT_MS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await startRig(t, { env: { KEEP_ALIVE_TIMEOUT_MS: '100' } });
  assert.equal(proxy.server.keepAliveTimeout, 100);
  const started = Date.now();
  const exchange = await rawExchange(`GET /idle HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, {
    port: proxy.port,
    untilClose: true,
    timeoutMs: 3000,
  });
  assert.equal(exchange.response?.status, 200);
  assert.equal(exchange.closedByPeer, true);
  assert.ok(Date.now() - started >= 90, 'kept alive until the timeout');
});
