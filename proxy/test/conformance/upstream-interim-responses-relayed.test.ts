// RFC 9110 §15.2: a proxy MUST forward 1xx responses it did not ask for itself (102
// Processing, 103 Early Hints, RFC 8297), then the final response; never to an HTTP/1.0
// client. Clients must accept 1xx they do not use (RFC 9110 §15.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { afterRequestHead, startRawUpstream } from '../support/upstreams.js';

test('relays the upstream\'s 103 Early Hints before its final response', { timeout: TEST_TIMEOUT_MS }, async (t) => {
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

test('relays 102 Processing and drops interim responses for an HTTP/1.0 client', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const upstream = await startRawUpstream((socket) =>
    afterRequestHead(socket, () =>
      socket.write(
        'HTTP/1.1 102 Processing\r\n\r\n' +
          'HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload; as=script\r\n\r\n' +
          'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      ),
    ),
  );
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const modern = await rawExchange(`GET /p HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port });
  assert.deepEqual(modern.response?.interim, [102, 103]);
  assert.equal(modern.response?.body.toString(), 'ok');
  // RFC 9110 §15.2: a server MUST NOT send a 1xx response to an HTTP/1.0 client.
  const legacy = await rawExchange(`GET /p HTTP/1.0\r\nHost: 127.0.0.1:${proxy.port}\r\n\r\n`, { port: proxy.port, untilClose: true });
  assert.deepEqual(legacy.response?.interim, []);
  assert.equal(legacy.response?.status, 200);
  assert.equal(legacy.response?.body.toString(), 'ok');
});
