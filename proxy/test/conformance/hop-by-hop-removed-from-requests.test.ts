// RFC 9110 §7.6.1: the same rule on the way in: the client's Connection, the fields it
// names, Keep-Alive, Proxy-Connection, Proxy-Authorization, TE, Trailer and Upgrade are
// not forwarded; end-to-end fields are forwarded unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('removes Connection, the names it lists and the standard hop-by-hop fields from a request', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    'GET /hop HTTP/1.1\r\n' +
      `Host: 127.0.0.1:${proxy.port}\r\n` +
      'Connection: keep-alive, X-Client-Hop\r\n' +
      'X-Client-Hop: only-for-the-proxy\r\n' +
      'Keep-Alive: timeout=5\r\n' +
      'Proxy-Connection: keep-alive\r\n' +
      'Proxy-Authorization: Basic dXNlcjpwYXNz\r\n' +
      'TE: trailers\r\n' +
      'Trailer: X-Checksum\r\n' +
      'X-End-To-End: kept\r\n' +
      '\r\n',
    { port: proxy.port },
  );
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.headers['x-end-to-end'], 'kept');
  for (const name of ['x-client-hop', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']) {
    assert.equal(seen.headers[name], undefined, `${name} must not be forwarded`);
  }
  assert.doesNotMatch(String(seen.headers.connection ?? ''), /x-client-hop/i);
});
