// Issue #16 (High): one client held every upstream socket with slow uploads. MAX_CONNECTIONS
// caps a proxy process's client connections and MAX_CONNECTIONS_PER_CLIENT one client address;
// a connection over either cap is answered 503 TOO_MANY_CONNECTIONS with Retry-After and
// closed, and whatever it sent is never forwarded. Other addresses are still served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { header, readResponse } from '../../../contracts/testing/raw-http.js';
import { until, within } from '../../../contracts/testing/wait.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const POST = 'POST /capped HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi';

/** A connection from `localAddress` (any 127/8 address works on loopback), open and idle. */
async function hold(t: { after: (fn: () => void) => void }, port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  await within(once(socket, 'connect'), 2_000, 'a connection');
  return socket;
}

async function exchangeFrom(port: number, localAddress: string, bytes: string, untilClose = false) {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  socket.write(bytes);
  return readResponse(socket, { port, untilClose });
}

test('answers 503 TOO_MANY_CONNECTIONS past MAX_CONNECTIONS_PER_CLIENT, forwarding nothing, and serves other addresses', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { MAX_CONNECTIONS_PER_CLIENT: '2' } });
  const held = [await hold(t, proxy.port), await hold(t, proxy.port)];
  await until(async () => (await proxy.connections()) === 2, 'two held connections', { timeoutMs: 2_000 });

  const refused = await exchangeFrom(proxy.port, '127.0.0.1', POST, true);
  const response = refused.response;
  assertRefusedAndClosed(refused, 503, 'TOO_MANY_CONNECTIONS');
  assert.equal(response === undefined ? undefined : header(response, 'retry-after'), '1');
  assert.equal(upstream.requests.length, 0, 'nothing from the refused connection was forwarded');

  const other = await exchangeFrom(proxy.port, '127.0.0.2', POST);
  assert.equal(other.response?.status, 200, 'another address is served');

  held[0]?.destroy();
  await until(async () => (await proxy.connections()) <= 1, 'the held connection to close', { timeoutMs: 2_000 });
  const again = await exchangeFrom(proxy.port, '127.0.0.1', POST);
  assert.equal(again.response?.status, 200, 'a freed slot is usable again');

  const metrics = await exchangeFrom(proxy.port, '127.0.0.3', 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(metrics.response?.body.toString() ?? '', /jwt_proxy_connections_refused_total\{reason="per_client"\} 1/);
});

test('answers 503 TOO_MANY_CONNECTIONS past MAX_CONNECTIONS whatever the address', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { MAX_CONNECTIONS: '2' } });
  await hold(t, proxy.port, '127.0.0.1');
  await hold(t, proxy.port, '127.0.0.2');
  await until(async () => (await proxy.connections()) === 2, 'two held connections', { timeoutMs: 2_000 });
  const refused = await exchangeFrom(proxy.port, '127.0.0.3', POST, true);
  assertRefusedAndClosed(refused, 503, 'TOO_MANY_CONNECTIONS');
  assert.equal(upstream.requests.length, 0, 'nothing forwarded');
});
