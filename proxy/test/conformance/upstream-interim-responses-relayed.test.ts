// RFC 9110 §15.2: a proxy MUST forward 1xx responses it did not ask for itself (102
// Processing, 103 Early Hints, RFC 8297), then the final response. A client that uses Early
// Hints gets them; one that does not ignores them (RFC 9110 §15.2: clients must accept them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterRequestHead, header, rawExchange, startProxy, startRawUpstream, TEST_TIMEOUT_MS } from './support.js';

test('relays the upstream\'s 103 Early Hints before its final response', {
  timeout: TEST_TIMEOUT_MS,
  todo: 'http-proxy drops interim responses',
}, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () =>
      socket.write(
        'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone',
      ),
    ),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const exchange = await rawExchange(`GET /hints HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port });
  const response = exchange.response;
  assert.ok(response !== undefined);
  assert.equal(response.status, 200);
  assert.equal(response.body.toString(), 'done');
  assert.equal(header(response, 'content-length'), '4');
  assert.deepEqual(response.interim, [103]);
  assert.match(exchange.raw.toString('latin1'), /^HTTP\/1\.1 103 Early Hints\r\n(?:.*\r\n)*?link: <\/style\.css>; rel=preload; as=style\r\n/im);
});
