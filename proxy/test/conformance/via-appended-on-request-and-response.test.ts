// RFC 9110 §7.6.3: each intermediary appends its own `received-protocol received-by`
// member to Via, on requests and on responses, keeping the members already there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { listMembers } from '../support/assertions.js';
import { request } from '../support/client.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('appends "1.1 jwt-proxy" to the request Via, keeping earlier entries', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const response = await request(proxy.port, { path: '/via', headers: { via: '1.0 fred, 1.1 p.example.net' } });
  assert.equal(response.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.deepEqual(listMembers(seen.headers.via), ['1.0 fred', '1.1 p.example.net', '1.1 jwt-proxy']);
});

test('adds Via "1.1 jwt-proxy" to a request that had none', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  await request(proxy.port, { path: '/via' });
  const seen = await upstream.nthRequest(0);
  assert.deepEqual(listMembers(seen.headers.via), ['1.1 jwt-proxy']);
});

test('appends "1.1 jwt-proxy" to the response Via, keeping the upstream entries', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await startRig(t, {
    handler: (req, res) => {
      req.resume();
      res.setHeader('via', '1.1 origin-cache');
      res.end('ok');
    },
  });
  const response = await request(proxy.port, { path: '/via' });
  assert.equal(response.status, 200);
  assert.equal(response.text, 'ok');
  assert.deepEqual(listMembers(response.headers.via), ['1.1 origin-cache', '1.1 jwt-proxy']);
});

test('uses PROXY_NAME as the Via pseudonym in both directions', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_NAME: 'edge-7' } });
  const response = await request(proxy.port, { path: '/via', headers: { via: '1.1 first' } });
  const seen = await upstream.nthRequest(0);
  assert.deepEqual(listMembers(seen.headers.via), ['1.1 first', '1.1 edge-7']);
  assert.deepEqual(listMembers(response.headers.via), ['1.1 edge-7']);
});

test('writes the protocol version each side actually used: 1.0 for an HTTP/1.0 client or upstream', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, (head) => {
      const via = /\r\nvia: ([^\r]*)/i.exec(head)?.[1] ?? '';
      socket.end(`HTTP/1.0 200 OK\r\nX-Seen-Via: ${via}\r\nContent-Length: 2\r\n\r\nok`);
    }),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange('GET /old HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n', { port: proxy.port, untilClose: true });
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(response.headers.get('x-seen-via')?.[0], '1.0 jwt-proxy', 'request Via names the client\'s HTTP/1.0');
  assert.deepEqual(listMembers(response.headers.get('via')?.join(',')), ['1.0 jwt-proxy'], 'response Via names the upstream\'s HTTP/1.0');
});
