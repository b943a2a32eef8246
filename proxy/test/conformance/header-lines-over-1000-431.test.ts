// Issue #16 (Critical): on Node 20, 999 filler headers then `Content-Length: N` hid the framing
// from `req.headers` while the parser still framed a body: a GET went upstream unframed and its
// body, a complete second request with a client-chosen x-my-jwt, was parsed there as a request
// of its own. Over 1,000 header lines is 431 whatever the runtime does (`server.maxHeadersCount`
// keeps one line more, and the proxy refuses what it sees past 1,000), and the upstream is never
// contacted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRefusedAndClosed } from '../support/assertions.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRawUpstream } from '../support/upstreams.js';

const SMUGGLED = 'POST /smuggled HTTP/1.1\r\nHost: upstream\r\nx-my-jwt: attacker.chosen.token\r\nContent-Length: 0\r\n\r\n';

function fillers(count: number): string {
  return Array.from({ length: count }, (_, i) => `X-F${i}: a\r\n`).join('');
}

async function rawRig(t: { after: (fn: () => Promise<void>) => void }) {
  const upstream = await startRawUpstream((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  let connections = 0;
  upstream.events.on('connection', () => (connections += 1));
  return { proxy, connections: () => connections };
}

for (const [method, version] of [
  ['GET', '1.1'],
  ['HEAD', '1.1'],
  ['DELETE', '1.1'],
  ['OPTIONS', '1.1'],
  ['GET', '1.0'],
] as const) {
  test(`answers 431 HEADERS_TOO_LARGE to a ${method} HTTP/${version} hiding Content-Length behind 999 fillers, contacting no upstream`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, connections } = await rawRig(t);
    const head = `${method} /first HTTP/${version}\r\nHost: 127.0.0.1\r\n${fillers(999)}Content-Length: ${SMUGGLED.length}\r\n\r\n`;
    const exchange = await rawExchange(head + SMUGGLED, { port: proxy.port, untilClose: true, method });
    if (method === 'HEAD') {
      // A response to HEAD has no body (RFC 9110 §9.3.2): status and close are what can be seen.
      assert.equal(exchange.response?.status, 431);
      assert.equal(header(exchange.response, 'connection'), 'close');
      assert.equal(exchange.closedByPeer, true);
    } else {
      assertRefusedAndClosed(exchange, 431, 'HEADERS_TOO_LARGE');
    }
    assert.equal(connections(), 0, 'the upstream saw nothing');
  });
}

test('answers 431 given 1,001 header lines the parser kept, and forwards exactly 1,000', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, connections } = await rawRig(t);
  // Host + 1,000 fillers = 1,001 lines: within the parser's 1,001, over the proxy's 1,000.
  const over = await rawExchange(`GET /over HTTP/1.1\r\nHost: 127.0.0.1\r\n${fillers(1000)}\r\n`, { port: proxy.port, untilClose: true });
  assertRefusedAndClosed(over, 431, 'HEADERS_TOO_LARGE');
  assert.equal(connections(), 0, 'the upstream saw nothing');
  const limit = await rawExchange(`GET /limit HTTP/1.1\r\nHost: 127.0.0.1\r\n${fillers(999)}\r\n`, { port: proxy.port });
  assert.equal(limit.response?.status, 200, 'exactly 1,000 lines are forwarded');
  assert.equal(connections(), 1);
});

test('sets server.maxHeadersCount one above the 1,000 lines it accepts', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await rawRig(t);
  assert.equal(proxy.server.maxHeadersCount, 1001);
});
