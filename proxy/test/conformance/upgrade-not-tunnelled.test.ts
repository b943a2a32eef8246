// RFC 9110 §7.8 / §7.6.1: Upgrade is hop-by-hop. The proxy signs requests one by one and
// cannot sign what travels inside a switched protocol (WebSocket frames), so it does not
// tunnel: an upgrade request is forwarded as a plain request without Upgrade/Connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('forwards a WebSocket upgrade request as a plain request, never switching protocols', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t);
  const exchange = await rawExchange(
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    { port: proxy.port },
  );
  assert.equal(exchange.response?.status, 200);
  const seen = await upstream.nthRequest(0);
  assert.equal(seen.headers.upgrade, undefined);
  assert.doesNotMatch(String(seen.headers.connection ?? ''), /upgrade/i);
});
