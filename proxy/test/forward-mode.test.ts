// Issue #2: absolute-form requests (what `curl -x` sends) go to that URL's origin in
// origin-form, with Host regenerated from the target (RFC 9112 §3.2.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { type Echo, echoHandler, startUpstream } from './support/upstreams.js';

test('forwards an absolute-form POST to the target origin with its own token', async (t) => {
  const target = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: 'http://127.0.0.1:1', PROXY_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  const res = await request(proxy.port, {
    method: 'POST',
    path: `${target.origin}/fwd//x?q=%2F`,
    headers: { host: 'client-chosen.example', 'x-my-jwt': 'forged' },
    body: '{"a":1}',
  });
  assert.equal(res.status, 200);
  const echo = res.json<Echo>();
  assert.equal(echo.url, '/fwd//x?q=%2F');
  assert.equal(echo.headers.host, `127.0.0.1:${target.port}`);
  assert.match(echo.headers['x-my-jwt'] as string, /^eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9\./);
  // The client's Host is ignored in absolute-form (RFC 9112 §3.2.2): X-Forwarded-Host names the target.
  assert.equal(echo.headers['x-forwarded-host'], `127.0.0.1:${target.port}`);
  assert.equal(echo.body, '{"a":1}');
  assert.equal(proxy.logs.at(-1)!.url, `${target.origin}/fwd//x`);
});

test('forwards an absolute-form GET sent over a raw socket, even for /status', async (t) => {
  const target = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: 'http://127.0.0.1:1', PROXY_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  t.after(async () => {
    await proxy.close();
    await target.close();
  });
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.write(`GET ${target.origin}/status HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString();
  assert.match(raw, /^HTTP\/1\.1 200 OK/);
  const echo = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Echo;
  assert.equal(echo.url, '/status');
  assert.equal(echo.headers['x-my-jwt'], undefined);
  const forbidden = await request(proxy.port, { path: 'http://127.0.0.1:1/x' });
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.json<{ error: { code: string } }>().error.code, 'FORWARD_HOST_FORBIDDEN');
});
