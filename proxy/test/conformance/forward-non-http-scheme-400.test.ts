// Issue #2 forward mode: only http:// and https:// targets are forwarded; any other scheme
// (ftp, file, gopher, ws) is answered 400 and nothing leaves the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { assertRawProxyError } from '../support/assertions.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

for (const target of ['ftp://127.0.0.1/file', 'file:///etc/passwd', 'gopher://127.0.0.1:70/1', 'ws://127.0.0.1/socket']) {
  test(`answers 400 UNSUPPORTED_SCHEME given the forward target ${target}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t);
    const exchange = await rawExchange(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { port: proxy.port });
    assertRawProxyError(exchange, 400, 'UNSUPPORTED_SCHEME');
    assert.equal(upstream.requests.length, 0, 'nothing forwarded');
  });
}
