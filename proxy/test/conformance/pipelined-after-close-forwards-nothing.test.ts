// Issue #16 (Medium 1) / RFC 9112 §9.6: once a connection is to close (the proxy answered
// with `Connection: close`, the client said close or spoke HTTP/1.0, an Upgrade), nothing
// pipelined behind it is forwarded; a valid request followed by garbage is answered, not
// replaced by a raw 400 while it ran upstream, and nothing after the garbage is read. Before,
// the POST ran upstream while the client got a raw 400, and Upgrade and h2c requests left
// whatever followed them hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { header, rawExchange, type RawExchange } from '../../../contracts/testing/raw-http.js';
import { until, within } from '../../../contracts/testing/wait.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const SECOND = 'POST /second HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi';

function statuses(exchange: RawExchange): number[] {
  return [...exchange.raw.toString('latin1').matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]));
}

const CLOSING_FIRSTS: ReadonlyArray<readonly [string, string, number]> = [
  ['a 400 (two Host lines)', 'GET /first HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  ['the 417 for an unknown expectation', 'POST /first HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\nhi', 417],
];

for (const [what, first, status] of CLOSING_FIRSTS) {
  test(`forwards nothing pipelined behind ${what} answered with Connection: close`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(first + SECOND, { port: proxy.port, untilClose: true });
    assert.equal(exchange.response?.status, status);
    assert.equal(header(exchange.response!, 'connection'), 'close');
    assert.equal(exchange.closedByPeer, true);
    assert.deepEqual(statuses(exchange), [status], 'one response only');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}

for (const [what, upgrade] of [
  ['a WebSocket Upgrade', 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'],
  ['an h2c Upgrade', 'Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n'],
] as const) {
  test(`answers ${what} once with Connection: close and forwards nothing pipelined behind it`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(`GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\n${upgrade}\r\n${SECOND}`, { port: proxy.port, untilClose: true });
    assert.equal(exchange.response?.status, 200, 'the Upgrade request itself is forwarded as a plain request');
    assert.equal(header(exchange.response!, 'connection'), 'close');
    assert.equal(exchange.closedByPeer, true, 'no hang: the connection closes');
    assert.deepEqual(upstream.requests.map((r) => r.url), ['/up'], 'the pipelined request is not forwarded');
  });
}

for (const [what, first] of [
  ['a request that says Connection: close', 'POST /first HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi'],
  ['an HTTP/1.0 request without keep-alive', 'POST /first HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi'],
] as const) {
  test(`forwards ${what} and nothing pipelined behind it`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(first + SECOND, { port: proxy.port, untilClose: true });
    assert.equal(exchange.response?.status, 200);
    assert.equal(exchange.closedByPeer, true);
    assert.deepEqual(statuses(exchange), [200], 'one response only');
    assert.deepEqual(upstream.requests.map((r) => r.url), ['/first'], 'the pipelined request is not forwarded');
  });
}

test('answers a valid POST pipelined with garbage in the same packet, then closes, running nothing more', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(`${SECOND}\x00\x01GARBAGE / HTTP/9\r\n\r\n${SECOND}`, { port: proxy.port, untilClose: true });
  // The POST that ran upstream is answered, never replaced by a raw 400; nothing after the
  // garbage is read.
  assert.deepEqual(statuses(exchange), [200]);
  assert.equal(header(exchange.response!, 'connection'), 'close');
  assert.equal(exchange.closedByPeer, true);
  assert.deepEqual(upstream.requests.map((r) => r.url), ['/second']);
});

/**
 * Issue #21 item 6: writes `first`, waits for the proxy's answer to start, then writes `later`
 * (the body a client sends anyway, a request behind it) on the same connection; resolves with
 * every byte received once the proxy closes the connection.
 */
async function answerThenMore(port: number, first: string, later: string): Promise<Buffer> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = once(socket, 'close');
  try {
    socket.write(first);
    await until(() => Buffer.concat(chunks).includes('\r\n\r\n'), 'the proxy to answer the first request');
    if (!socket.destroyed) socket.write(later);
    await within(closed, 5_000, 'the proxy to close the connection');
    return Buffer.concat(chunks);
  } finally {
    socket.destroy();
  }
}

test('closes after a 417 whose refused body was never sent, without waiting for it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange('POST /first HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: 1000\r\n\r\n', {
    port: proxy.port,
    untilClose: true,
  });
  assert.equal(exchange.response?.status, 417);
  assert.equal(exchange.closedByPeer, true, 'the unread body cannot be told from a next request: the connection ends');
  assert.equal(upstream.requests.length, 0);
});

test('signs and forwards nothing a client sends after a 417: neither the refused body nor a request behind it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const refusedBody = SECOND.replace('/second', '/smuggled');
  const head = `POST /first HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: ${refusedBody.length}\r\n\r\n`;
  const raw = await answerThenMore(proxy.port, head, refusedBody + SECOND);
  assert.deepEqual(statuses({ raw, response: undefined, closedByPeer: true }), [417]);
  assert.equal(upstream.requests.length, 0, 'nothing forwarded, nothing signed');
});

test('closes visibly, forwarding nothing, given a request sent behind an Upgrade after its answer began', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const upgrade = 'GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
  const raw = await answerThenMore(proxy.port, upgrade, SECOND);
  assert.deepEqual(statuses({ raw, response: undefined, closedByPeer: true }), [200], 'the Upgrade answered, nothing else');
  assert.match(raw.toString('latin1'), /\r\nconnection: close\r\n/i, 'the answer says the connection closes');
  assert.deepEqual(upstream.requests.map((r) => r.url), ['/up']);
});
