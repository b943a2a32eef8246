// RFC 9112 §6.3 item 8: a response with neither Content-Length nor Transfer-Encoding is
// delimited by the upstream closing the connection. That close is the body's normal end:
// the proxy relays the body complete, framed for its own connection (chunked or close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('relays a close-delimited upstream body complete and correctly framed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const body = 'close-delimited body '.repeat(50);
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${body}`)),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`GET /close HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port });
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(response.status, 200);
  assert.equal(response.complete, true, 'the framing says the body is complete');
  assert.equal(response.body.toString(), body);
});
