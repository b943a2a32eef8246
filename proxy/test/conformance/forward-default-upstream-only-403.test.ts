// Issue #16 (High): a token of ours is a promise that the request goes to an upstream the
// operator chose. Without PROXY_ALLOWED_HOSTS, forward mode reaches only UPSTREAM_URL's host
// and port: any other host or port is 403 before anything is signed or sent, whether that port
// is open or closed (no port scanner, no signed requests for an attacker's listener).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../../contracts/testing/listen.js';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';
import { startUpstream } from '../support/upstreams.js';

function absoluteGet(authority: string, path = '/x'): string {
  return `POST http://${authority}${path} HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 2\r\n\r\nhi`;
}

test('forwards an absolute-form request to UPSTREAM_URL host and port given no PROXY_ALLOWED_HOSTS', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(absoluteGet(`127.0.0.1:${upstream.port}`, '/to-upstream'), { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.url, '/to-upstream');
  assert.ok(seen.headers['x-my-jwt'] !== undefined, 'signed');
});

test('answers 403 FORWARD_HOST_FORBIDDEN given any other host or port, open or closed, forwarding nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const other = await startUpstream();
  t.after(() => other.close());
  const closed = await freePort();
  for (const authority of [
    `127.0.0.1:${other.port}`, // an open port next door
    `127.0.0.1:${closed}`, // a closed one: the same answer, so no port-scan oracle
    `localhost:${upstream.port}`, // another name for the same socket is not the configured upstream
    `127.0.0.2:${upstream.port}`,
    'attacker.invalid',
  ]) {
    const exchange = await rawExchange(absoluteGet(authority), { port: proxy.port });
    assertRawProxyError(exchange, 403, 'FORWARD_HOST_FORBIDDEN');
  }
  assert.equal(other.requests.length + upstream.requests.length, 0, 'nothing forwarded');
});

test('forwards to any host given the explicit opt-in PROXY_ALLOWED_HOSTS=*', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: '*' } });
  const other = await startUpstream();
  t.after(() => other.close());
  const exchange = await rawExchange(absoluteGet(`127.0.0.1:${other.port}`, '/anywhere'), { port: proxy.port });
  assert.equal(exchange.response?.status, 200);
  assert.equal((await other.nthRequest(0)).url, '/anywhere');
});
