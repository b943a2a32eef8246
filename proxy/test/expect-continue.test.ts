// Issue #2: Expect: 100-continue POSTs carry the token too (http-proxy skips its proxyReq
// event for them, so a header set only there would be lost) and never hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { Echo } from './helpers/harness.js';
import { echoHandler, startProxy, startUpstream } from './helpers/harness.js';

test('a POST with Expect: 100-continue gets 100 Continue, then reaches the upstream with one token', async (t) => {
  const upstream = await startUpstream(echoHandler);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.url });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const req = http.request({
    host: '127.0.0.1',
    port: proxy.port,
    method: 'POST',
    path: '/e//x',
    agent: false,
    headers: { expect: '100-continue', 'content-length': 5, 'x-my-jwt': 'forged' },
  });
  await once(req, 'continue');
  req.end('hello');
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const echo = JSON.parse(Buffer.concat(chunks).toString()) as Echo;
  assert.equal(echo.url, '/e//x');
  assert.equal(echo.body, 'hello');
  assert.match(echo.headers['x-my-jwt'] as string, /^eyJ[^,]+$/);
  assert.equal(echo.headers.expect, undefined);
});
