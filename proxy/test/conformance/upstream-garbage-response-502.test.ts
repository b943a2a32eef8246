// An upstream that answers with something that is not HTTP/1.x is an invalid response
// (RFC 9110 §15.6.3): 502 with a code, never the garbage itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

for (const [label, garbage] of [
  ['text that is not HTTP', 'SSH-2.0-OpenSSH_9.6 upstream-internal-banner\r\n\r\n'],
  ['an invalid status code', 'HTTP/1.1 2000 Weird\r\nContent-Length: 0\r\n\r\n'],
  // Node parses it, but its writeHead refuses a status under 100: relayed, it would throw.
  ['a status Node cannot relay (042)', 'HTTP/1.1 042 Odd\r\nContent-Length: 0\r\n\r\n'],
  ['binary bytes', '\u0000\u00ff\u0001\u00fe\r\n\r\n'],
  ['a 32 KiB response header section', `HTTP/1.1 200 OK\r\nX-Huge: ${'h'.repeat(32 * 1024)}\r\nContent-Length: 0\r\n\r\n`],
] as const) {
  test(`answers 502 UPSTREAM_BAD_RESPONSE given an upstream that sends ${label}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const upstream = await startRawUpstream((socket) => afterRequestHead(socket, () => socket.end(Buffer.from(garbage, 'latin1'))));
    const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
    t.after(async () => {
      await proxy.close();
      await upstream.close();
    });
    const response = await request(proxy.port, { method: 'POST', path: '/garbage', body: 'x' });
    const body = assertSimpleProxyError(response, 502, 'UPSTREAM_BAD_RESPONSE');
    assert.doesNotMatch(body.error.message, /OpenSSH|upstream-internal|2000|hhhh/, 'no upstream internals');
    await awaitLogged(proxy, 'UPSTREAM_BAD_RESPONSE');
  });
}
