// Issue #16 (High): an allowlist entry that looks like an IP (`127.0.0.*`) matches IP literals
// only. As a plain glob it also matched `127.0.0.2.attacker.invalid`, a DNS name the attacker
// controls, which the proxy would then resolve, sign for and send to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('answers 403 given a DNS name that starts like an allowed IP pattern, and forwards to the IP literal', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { env: { PROXY_ALLOWED_HOSTS: '127.0.0.*' } });
  for (const name of ['127.0.0.2.attacker.invalid', '127.0.0.1.nip.io', '127.0.0.10.example']) {
    const authority = `${name}:${upstream.port}`;
    const exchange = await rawExchange(`GET http://${authority}/x HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
    assertRawProxyError(exchange, 403, 'FORWARD_HOST_FORBIDDEN');
  }
  const authority = `127.0.0.1:${upstream.port}`;
  const allowed = await rawExchange(`GET http://${authority}/ip HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, { port: proxy.port });
  assert.equal(allowed.response?.status, 200);
  assert.deepEqual(
    upstream.requests.map((r) => r.url),
    ['/ip'],
    'only the IP literal was forwarded',
  );
});
