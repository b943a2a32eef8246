// RFC 9110 §7.6.1: Connection, the fields it names, and the other hop-by-hop fields apply to
// one connection only; the proxy removes them from the upstream's response before relaying it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRawUpstream, afterRequestHead } from '../support/upstreams.js';

test('removes Connection, the names it lists and the standard hop-by-hop fields from a response', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () => {
      socket.write(
        'HTTP/1.1 200 OK\r\n' +
          'Connection: keep-alive, X-Upstream-Hop\r\n' +
          'Connection: x-second-hop\r\n' +
          'X-Upstream-Hop: secret-to-this-hop\r\n' +
          'X-Second-Hop: also\r\n' +
          'Keep-Alive: timeout=77, max=99\r\n' +
          'Proxy-Connection: keep-alive\r\n' +
          'Proxy-Authenticate: Basic realm="upstream-hop"\r\n' +
          'Trailer: X-Checksum\r\n' +
          'Upgrade: websocket\r\n' +
          'TE: trailers\r\n' +
          'X-End-To-End: kept\r\n' +
          'Content-Length: 5\r\n' +
          '\r\n' +
          'hello',
      );
    }),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`GET /hop HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port });
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(response.status, 200);
  assert.equal(response.body.toString(), 'hello');
  assert.equal(header(response, 'x-end-to-end'), 'kept');
  for (const name of ['x-upstream-hop', 'x-second-hop', 'proxy-connection', 'trailer', 'upgrade', 'te']) {
    assert.equal(header(response, name), undefined, `${name} must not be relayed`);
  }
  // The proxy may send its own Connection and Keep-Alive for its own hop (Node writes
  // `Keep-Alive: timeout=<keepAliveTimeout>`), but never the upstream's values.
  assert.doesNotMatch(header(response, 'connection') ?? '', /x-upstream-hop|x-second-hop/i);
  assert.doesNotMatch(header(response, 'keep-alive') ?? '', /77|max=99/);
});
