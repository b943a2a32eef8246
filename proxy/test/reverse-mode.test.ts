// Issue #2: origin-form requests go to UPSTREAM_URL + the same path and query, byte for byte,
// with exactly one token on signed methods and none from the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import jwt from 'jsonwebtoken';
import { DEFAULT_JWT_SECRET } from '../../contracts/src/index.js';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { type Echo, echoHandler, startUpstream } from './support/upstreams.js';

async function rig(t: { after: (fn: () => Promise<void>) => void }, env: Record<string, string> = {}) {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, ...env }, { now: () => 1_764_403_199_999 });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { upstream, proxy };
}

test('forwards path and query byte for byte, including // and characters url.parse would escape', async (t) => {
  const { proxy } = await rig(t);
  for (const path of ['/a//b|c{d}^e?x=1&y=%20&z=%2F', '/', '/http:/x//y', '/?', '/p?q?r']) {
    const res = await request(proxy.port, { path });
    assert.equal(res.status, 200);
    assert.equal(res.json<Echo>().url, path);
  }
});

test('prefixes the path of UPSTREAM_URL', async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: `${upstream.origin}/api/` });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await request(proxy.port, { path: '/v1/x?q=1' });
  assert.equal(res.json<Echo>().url, '/api/v1/x?q=1');
});

test('signs a POST with exactly one token and drops every client-sent copy, in any case', async (t) => {
  const { proxy } = await rig(t);
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.write(
    'POST /x HTTP/1.1\r\nHost: a\r\nX-My-Jwt: forged1\r\nx-my-jwt: forged2\r\nX-MY-JWT: forged3\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
  );
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString();
  const echo = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Echo;
  const tokens = echo.rawHeaders.filter((_, i) => i % 2 === 0 && echo.rawHeaders[i]!.toLowerCase() === 'x-my-jwt');
  assert.equal(tokens.length, 1);
  const token = echo.headers['x-my-jwt'] as string;
  const claims = jwt.verify(token, Buffer.from(DEFAULT_JWT_SECRET, 'utf8'), { algorithms: ['HS512'] });
  assert.deepEqual(claims, { iat: 1_764_403_199, jti: 'test-jti-000000000001', payload: { user: 'username', date: '2025-11-29' } });
  assert.equal(echo.body, 'hi');
});

test('never forwards a client token on unsigned methods', async (t) => {
  const { proxy } = await rig(t);
  const res = await request(proxy.port, { method: 'GET', path: '/g', headers: { 'x-my-jwt': 'forged' } });
  assert.equal(res.json<Echo>().headers['x-my-jwt'], undefined);
});

test('signs the methods listed in JWT_METHODS and honours JWT_HEADER', async (t) => {
  const { proxy } = await rig(t, { JWT_METHODS: 'put,delete', JWT_HEADER: 'X-Token' });
  const put = await request(proxy.port, { method: 'PUT', path: '/p', body: 'x', headers: { 'x-token': 'forged' } });
  assert.match(put.json<Echo>().headers['x-token'] as string, /^eyJ/);
  const post = await request(proxy.port, { method: 'POST', path: '/p', body: 'x' });
  assert.equal(post.json<Echo>().headers['x-token'], undefined);
});
