// RFC 9110 §7.6.1 meets anti-spoofing (issue #2, STYLE.md "strip what the client sent before
// adding what the proxy adds"): a client that lists the proxy's own fields in Connection
// (x-my-jwt, Via, X-Forwarded-For, Forwarded) must not make the proxy drop them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { listMembers } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('still sends its token, Via and forwarding fields given a Connection header that names them', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    'POST /conn HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Connection: keep-alive, x-my-jwt, via, x-forwarded-for, x-forwarded-proto, x-forwarded-host, forwarded\r\n' +
      'x-my-jwt: forged\r\nContent-Length: 2\r\n\r\nhi',
    { port: proxy.port },
  );
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  const tokens = seen.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'x-my-jwt');
  assert.equal(tokens.length, 1);
  assert.notEqual(tokens[0], 'forged');
  assert.equal(tokens[0]!.split('.').length, 3, 'a compact JWS');
  assert.deepEqual(listMembers(seen.headers.via), ['1.1 jwt-proxy']);
  assert.deepEqual(listMembers(seen.headers['x-forwarded-for']), ['127.0.0.1']);
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers['x-forwarded-host'], '127.0.0.1');
  assert.match(String(seen.headers.forwarded), /for=127\.0\.0\.1/);
});
