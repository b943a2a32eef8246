// Issue #2/#6: the signing key and the tokens' signatures are secrets. Whatever happens
// (signed requests, forged tokens, upstream failures, timeouts, TRACE, own endpoints), none
// of them appears in a response sent to the client, in a log line, or in /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_JWT_SECRET } from '../../../contracts/src/index.js';
import { freePort } from '../../../contracts/testing/listen.js';
import { type SimpleResponse, request } from '../support/client.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('never shows the key or a token signature in responses, logs or metrics', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    env: { LOG_LEVEL: 'trace', UPSTREAM_TIMEOUT_MS: '300', PROXY_ALLOW_TRACE: 'true', JWT_METHODS: 'POST,PUT,GET' },
    handler: (req, res) => {
      req.on('end', () => {
        if (req.url === '/fail') res.writeHead(500).end('upstream failed');
        else if (req.url !== '/hang') res.end('fine');
      });
      req.resume();
    },
  });
  const refused = await freePort();
  const responses: SimpleResponse[] = [];
  const send = async (...args: Parameters<typeof request>): Promise<void> => {
    responses.push(await request(...args));
  };
  await send(proxy.port, { method: 'POST', path: '/signed', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  await send(proxy.port, { method: 'PUT', path: '/signed-put', body: 'x', headers: { 'x-my-jwt': 'client.forged.token' } });
  await send(proxy.port, { method: 'GET', path: '/signed-get?x=1' });
  await send(proxy.port, { method: 'POST', path: '/fail', body: 'x' });
  await send(proxy.port, { method: 'POST', path: '/hang', body: 'x' });
  await send(proxy.port, { method: 'POST', path: `http://127.0.0.1:${refused}/refused`, body: 'x' });
  await send(proxy.port, { method: 'TRACE', path: '/trace', headers: { 'max-forwards': '0' } });
  await send(proxy.port, { method: 'TRACE', path: '/trace-forwarded' });
  await send(proxy.port, { method: 'POST', path: '/loop', body: 'x', headers: { via: '1.1 jwt-proxy' } });
  await send(proxy.port, { path: '/status' });
  await send(proxy.port, { path: '/status', headers: { accept: 'text/html' } });
  await send(proxy.port, { path: '/healthz' });
  await send(proxy.port, { path: '/metrics' });
  assert.equal(responses.at(-1)?.status, 200, '/metrics answers');

  const tokens = upstream.requests.flatMap((seen) => {
    const value = seen.headers['x-my-jwt'];
    return typeof value === 'string' && value !== 'client.forged.token' ? [value] : [];
  });
  assert.ok(tokens.length >= 5, `tokens were issued (${tokens.length})`);
  const key = Buffer.from(DEFAULT_JWT_SECRET, 'utf8');
  const needles = new Map<string, string>([
    ['the secret', DEFAULT_JWT_SECRET],
    ['the secret, first half', DEFAULT_JWT_SECRET.slice(0, 64)],
    ['the secret, second half', DEFAULT_JWT_SECRET.slice(64)],
    ['the key as hex', key.toString('hex')],
    ['the key as base64', key.toString('base64').slice(0, 40)],
    ['the key as base64url', key.toString('base64url').slice(0, 40)],
  ]);
  for (const [i, token] of tokens.entries()) {
    needles.set(`token #${i}`, token);
    needles.set(`token #${i} signature`, token.split('.')[2]!);
  }

  const haystacks: [string, string][] = [];
  for (const [i, response] of responses.entries()) {
    haystacks.push([`response #${i} headers`, JSON.stringify(response.rawHeaders)]);
    haystacks.push([`response #${i} body`, response.text]);
  }
  for (const [i, line] of proxy.logLines.entries()) haystacks.push([`log line #${i}`, line]);
  // The proxy's own endpoints (/status, /healthz, /metrics) are not logged; everything else is.
  assert.ok(proxy.logLines.length >= responses.length - 4, 'one log line per proxied request at least');
  for (const [where, text] of haystacks) {
    for (const [what, needle] of needles) {
      assert.ok(!text.includes(needle), `${what} appears in ${where}`);
    }
  }
});
