// Issue #16 (High): 1,100 slow uploads (one byte every 2 s) held every upstream socket, and
// their trickle kept resetting the upstream timeout, so no legitimate POST was answered. Two
// limits keep the pool for legitimate clients, each shown here on a small pool (bounded: a
// dozen uploads, loopback only, every wait bounded):
// - MAX_CONNECTIONS_PER_CLIENT: one address cannot hold more than its share;
// - MIN_BODY_RATE_BPS after BODY_GRACE_MS: an upload that falls behind is cut (408 BODY_TOO_SLOW),
//   never forwarded complete, and its upstream socket freed, from however many addresses it comes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { parseResponse, readResponse, type RawExchange } from '../../../contracts/testing/raw-http.js';
import { until, within } from '../../../contracts/testing/wait.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const POOL = 8;
const LEGITIMATE = 'POST /legit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nok';

interface SlowUpload {
  /** Resolves with every byte the proxy sent once it closed the connection. */
  readonly closed: Promise<Buffer>;
}

/** Opens an upload that declares 100,000 bytes and sends one: it then stalls. */
async function slowUpload(t: { after: (fn: () => void) => void }, port: number, localAddress: string): Promise<SlowUpload> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = once(socket, 'close').then(() => Buffer.concat(chunks));
  await within(once(socket, 'connect'), 2_000, 'a slow upload to connect');
  socket.write('POST /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nx');
  return { closed };
}

async function timedLegitimate(port: number, localAddress: string): Promise<{ exchange: RawExchange; ms: number }> {
  const started = performance.now();
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  socket.write(LEGITIMATE);
  const exchange = await readResponse(socket, { port, timeoutMs: 5_000 });
  return { exchange, ms: performance.now() - started };
}

test('answers legitimate requests within a second while one address holds slow uploads past its cap', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    env: { UPSTREAM_MAX_SOCKETS: String(POOL), MAX_CONNECTIONS_PER_CLIENT: String(POOL / 2), MIN_BODY_RATE_BPS: '0' },
  });
  for (let i = 0; i < POOL + 4; i += 1) await slowUpload(t, proxy.port, '127.0.0.1');
  await until(() => upstream.requests.length === POOL / 2, 'the admitted slow uploads to reach the upstream', { timeoutMs: 3_000 });
  for (let i = 0; i < 3; i += 1) {
    const { exchange, ms } = await timedLegitimate(proxy.port, `127.0.0.${2 + i}`);
    assert.equal(exchange.response?.status, 200);
    assert.ok(ms < 1_000, `answered in ${Math.round(ms)} ms`);
  }
  assert.equal(upstream.requests.filter((r) => r.url === '/slow').length, POOL / 2, 'only the capped share reached the upstream');
});

test('cuts uploads slower than MIN_BODY_RATE_BPS from many addresses, so legitimate requests are answered within a second', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    env: { UPSTREAM_MAX_SOCKETS: String(POOL), MIN_BODY_RATE_BPS: '1000', BODY_GRACE_MS: '200' },
  });
  const slow: SlowUpload[] = [];
  for (let i = 0; i < POOL + 4; i += 1) slow.push(await slowUpload(t, proxy.port, `127.0.0.${10 + i}`));
  await until(() => upstream.requests.length >= POOL, 'the slow uploads to fill the pool', { timeoutMs: 3_000 });
  for (let i = 0; i < 3; i += 1) {
    const { exchange, ms } = await timedLegitimate(proxy.port, '127.0.0.2');
    assert.equal(exchange.response?.status, 200);
    assert.ok(ms < 1_000, `answered in ${Math.round(ms)} ms`);
  }
  const first = parseResponse(await within((slow[0] as SlowUpload).closed, 3_000, 'the first slow upload to be closed'), true);
  assert.equal(first?.response.status, 408);
  assert.match(first?.response.body.toString() ?? '', /"code":"BODY_TOO_SLOW"/);
  const slowSeen = upstream.requests.filter((r) => r.url === '/slow');
  await Promise.all(slowSeen.map((record) => upstream.settled(record)));
  assert.ok(slowSeen.every((record) => !record.complete), 'no slow body was forwarded complete');
});
