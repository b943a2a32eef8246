// Issue #21 item 5 (a regression since http-proxy-middleware 4): httpxy sends `Connection: close`
// upstream for a request with Transfer-Encoding (its request-smuggling hardening). An upstream
// that answers with its own `Connection: x-some-field` and `Keep-Alive` kept the socket open, and
// Node's agent put it back in the pool: the next request went out on a connection the proxy
// itself had declared closed (RFC 9112 §9.6) and got 400 or 502. The reproduction: a
// 3 MB chunked POST, then a chunked POST that pauses mid-body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';
import type { UpstreamHandler } from '../support/upstreams.js';

/** Answers once the body is read, naming its own connection option instead of close. */
const keepsItsOwnConnection: UpstreamHandler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { connection: 'x-some-field', 'x-some-field': '1', 'keep-alive': 'timeout=5', 'content-length': '2' });
    res.end('ok');
  });
};

/** A chunked POST through the proxy; `pause` resolves before the last chunk is written. */
async function chunkedPost(port: number, parts: readonly Buffer[], pause: () => Promise<void> = async () => undefined): Promise<number> {
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/chunked', agent: false, headers: { 'transfer-encoding': 'chunked' } });
  req.on('error', () => undefined);
  const response = once(req, 'response') as Promise<[http.IncomingMessage]>;
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1) await pause();
    req.write(part);
  }
  req.end();
  const [res] = await response;
  res.resume();
  await once(res, 'end');
  return res.statusCode ?? 0;
}

test('never reuses an upstream connection it sent Connection: close on, given an upstream answering keep-alive', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { handler: keepsItsOwnConnection });
  const clientErrors: unknown[] = [];
  upstream.events.on('clientError', (error: unknown) => clientErrors.push(error));
  assert.equal(await chunkedPost(proxy.port, [Buffer.alloc(3 * 1024 * 1024, 'a')]), 200);
  const first = upstream.requests[0];
  assert.equal(first?.headers.connection, 'close', 'httpxy declares a chunked upload closed');
  // The second pauses mid-body until the upstream has its head: a reused socket would be refused
  // by the upstream's parser (the connection is closed on its side) while the body is still coming.
  const status = await chunkedPost(proxy.port, [Buffer.from('first half '), Buffer.from('second half')], async () => {
    await upstream.nthRequest(1);
  });
  assert.equal(status, 200);
  assert.deepEqual(clientErrors, [], 'the upstream never saw a request on a connection declared closed');
  assert.equal(upstream.requests.length, 2);
  assert.equal(upstream.requests[1]?.req.socket === first?.req.socket, false, 'a fresh upstream connection');
});
