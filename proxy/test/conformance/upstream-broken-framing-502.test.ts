// RFC 9112 §6.3: a response whose framing cannot be trusted (conflicting Content-Length,
// Content-Length with Transfer-Encoding) is an invalid response: 502, never relayed.
import { test } from 'node:test';
import { assertSimpleProxyError } from '../support/assertions.js';
import { request } from '../support/client.js';
import { awaitLogged, startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

for (const [label, head] of [
  ['two different Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
  ['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: three\r\n\r\nabc'],
] as const) {
  test(`answers 502 UPSTREAM_BAD_RESPONSE given an upstream response with ${label}`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const upstream = await startRawUpstream((socket) => afterRequestHead(socket, () => socket.end(head)));
    const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
    t.after(async () => {
      await proxy.close();
      await upstream.close();
    });
    const response = await request(proxy.port, { method: 'POST', path: '/framing', body: 'x' });
    assertSimpleProxyError(response, 502, 'UPSTREAM_BAD_RESPONSE');
    await awaitLogged(proxy, 'UPSTREAM_BAD_RESPONSE');
  });
}
