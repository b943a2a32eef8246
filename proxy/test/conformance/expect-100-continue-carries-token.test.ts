// RFC 9110 §10.1.1: Expect: 100-continue must not hang, and (issue #2) a signed request that
// waits for 100 Continue still carries the proxy's token: httpxy skips its proxyReq
// hook for such requests, so a header added only there would be lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { jwtVerify } from 'jose';
import { DEFAULT_JWT_SECRET } from '../../../contracts/src/index.js';
import { within } from '../../../contracts/testing/wait.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('forwards an Expect: 100-continue POST with exactly one valid token, without hanging', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const body = JSON.stringify({ big: 'x'.repeat(1000) });
  const req = http.request({
    host: '127.0.0.1',
    port: proxy.port,
    method: 'POST',
    path: '/continue//x',
    agent: false,
    headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-my-jwt': 'forged' },
  });
  req.on('error', () => undefined);
  await within(once(req, 'continue'), 5000, '100 Continue');
  req.end(body);
  const [res] = (await within(once(req, 'response'), 5000, 'the response')) as [http.IncomingMessage];
  res.resume();
  assert.equal(res.statusCode, 200);
  const seen = await upstream.nthRequest(0);
  await upstream.settled(seen);
  assert.equal(seen.body.toString(), body);
  assert.equal(seen.url, '/continue//x', 'path forwarded byte for byte');
  // The proxy met the expectation itself: the upstream gets a plain request.
  assert.equal(seen.headers.expect, undefined);
  const tokens = seen.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'x-my-jwt');
  assert.equal(tokens.length, 1, 'exactly one token');
  assert.notEqual(tokens[0], 'forged');
  const { payload, protectedHeader } = await jwtVerify(tokens[0]!, Buffer.from(DEFAULT_JWT_SECRET, 'utf8'), { algorithms: ['HS512'] });
  assert.deepEqual(protectedHeader, { alg: 'HS512', typ: 'JWT' });
  assert.deepEqual(Object.keys(payload).sort(), ['iat', 'jti', 'payload']);
});

test('relays an upstream that refuses early (403 before the body) without hanging, given Expect: 100-continue', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\nrefuse')),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const req = http.request({
    host: '127.0.0.1',
    port: proxy.port,
    method: 'POST',
    path: '/early',
    agent: false,
    headers: { expect: '100-continue', 'content-length': 5 },
  });
  req.on('error', () => undefined);
  // A well-behaved client sends the body only after 100 Continue; either way it must get an answer.
  req.on('continue', () => req.end('hello'));
  const [res] = (await within(once(req, 'response'), 5000, 'a final response')) as [http.IncomingMessage];
  const body = await within(
    new Promise<string>((resolve) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    }),
    5000,
    'the response body',
  );
  req.destroy();
  assert.deepEqual({ status: res.statusCode, body }, { status: 403, body: 'refuse' });
});
