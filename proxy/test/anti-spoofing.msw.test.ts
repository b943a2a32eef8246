// Issue #2: what reaches the upstream, seen by msw intercepting the proxy's outgoing
// requests (onUnhandledFrame: 'error', so a stray upstream call fails the test).
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { http as mswHttp, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { jwtVerify } from 'jose';
import { DEFAULT_JWT_SECRET } from '../../contracts/src/index.js';
import { request as send } from './support/client.js';
import { type RunningProxy, startProxy } from './support/proxy.js';

const UPSTREAM = 'http://upstream.test:8081';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const seen: Seen[] = [];
const server = setupServer(
  // The test's own calls to the proxy go out for real; only the proxy's upstream is mocked.
  mswHttp.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
  mswHttp.all(`${UPSTREAM}/*`, async ({ request }) => {
    seen.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      body: await request.text(),
    });
    return HttpResponse.json({ ok: true }, { headers: { connection: 'x-secret-hop', 'x-secret-hop': '1', 'keep-alive': 'timeout=5', 'x-end': 'kept' } });
  }),
);

let proxy: RunningProxy;
before(async () => {
  server.listen({ onUnhandledFrame: 'error' });
  proxy = await startProxy({ UPSTREAM_URL: UPSTREAM, JWT_USER: 'svc' }, { now: () => 86_399_999 });
});
afterEach(() => {
  seen.length = 0;
});
after(async () => {
  await proxy.close();
  server.close();
});

test('sends exactly one valid token on a POST whatever tokens the client sent', async () => {
  const res = await send(proxy.port, {
    method: 'POST',
    path: '/api/x?y=1',
    headers: { 'x-my-jwt': 'eyJhbGciOiJub25lIn0.e30.', 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  assert.equal(res.status, 200);
  assert.equal(seen.length, 1);
  const request = seen[0]!;
  assert.equal(request.url, `${UPSTREAM}/api/x?y=1`);
  assert.equal(request.body, '{"a":1}');
  const token = request.headers['x-my-jwt']!;
  assert.doesNotMatch(token, /,/);
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(DEFAULT_JWT_SECRET), {
    algorithms: ['HS512'],
    currentDate: new Date(86_399_999),
  });
  assert.deepEqual(protectedHeader, { alg: 'HS512', typ: 'JWT' });
  assert.deepEqual(payload, { iat: 86_399, jti: 'test-jti-000000000001', payload: { user: 'svc', date: '1970-01-01' } });
});

test('strips a client token sent in several lines and cases from an unsigned GET', async () => {
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.write('GET /g HTTP/1.1\r\nHost: x\r\nX-MY-JWT: a\r\nx-my-jwt: b\r\nConnection: close\r\n\r\n');
  for await (const _ of socket) void _;
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.headers['x-my-jwt'], undefined);
});

test('removes hop-by-hop headers both ways and keeps end-to-end ones', async () => {
  const res = await send(proxy.port, {
    method: 'POST',
    path: '/h',
    headers: {
      connection: 'keep-alive, x-client-hop',
      'x-client-hop': 'secret',
      'proxy-authorization': 'Basic Zm9vOmJhcg==',
      te: 'trailers',
      'x-end-to-end': 'yes',
    },
    body: 'b',
  });
  const headers = seen[0]!.headers;
  assert.equal(headers['x-client-hop'], undefined);
  assert.equal(headers['proxy-authorization'], undefined);
  assert.equal(headers.te, undefined);
  assert.equal(headers['x-end-to-end'], 'yes');
  assert.equal(headers.via, '1.1 jwt-proxy');
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(res.headers['x-secret-hop'], undefined);
  assert.equal(res.headers['keep-alive'], undefined);
  assert.equal(res.headers['x-end'], 'kept');
  assert.equal(res.headers.via, '1.1 jwt-proxy');
});

test('replaces client-sent X-Forwarded-* and Forwarded by default', async () => {
  await send(proxy.port, {
    path: '/f',
    headers: { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil', 'x-forwarded-proto': 'https', forwarded: 'for=6.6.6.6' },
  });
  const headers = seen[0]!.headers;
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(headers['x-forwarded-proto'], 'http');
  assert.equal(headers['x-forwarded-host'], `127.0.0.1:${proxy.port}`);
  assert.equal(headers.forwarded, `for=127.0.0.1;host="127.0.0.1:${proxy.port}";proto=http`);
});
