import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { freePort, listen } from '../testing/listen.js';
import { describeRequest, header, parseResponse, rawExchange, requestBodyBytes, sendRaw, sha256Hex } from '../testing/raw-http.js';

/** A raw server that answers every connection with `reply` once it has read a request head. */
async function rawServer(t: { after: (fn: () => Promise<void>) => void }, reply: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => reply(socket));
  });
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return listen(server);
}

test('parseResponse reads interim heads, a chunked body with a trailer, and leaves what follows', () => {
  const data = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n2\r\nhi\r\n0\r\nT: v\r\n\r\nNEXT');
  const step = parseResponse(data, false);
  assert.ok(step !== undefined);
  assert.deepEqual([step.response.status, step.response.reason, step.response.interim, step.response.body.toString(), step.response.complete], [200, 'OK', [100], 'hi', true]);
  assert.equal(header(step.response, 'X-A'), '1, 2');
  assert.equal(header(step.response, 'missing'), undefined);
  assert.equal(step.rest.toString(), 'NEXT');
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'), false), undefined);
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'), true)?.response.complete, false);
  assert.throws(() => parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), false), /invalid chunk size/);
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'), true)?.response.complete, false);
  assert.deepEqual(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'), false, 'HEAD')?.response.body, Buffer.alloc(0));
});

test('rawExchange resolves at the end of the response, or at the close with untilClose', async (t) => {
  const port = await rawServer(t, (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  const early = await rawExchange('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { port });
  assert.deepEqual([early.response?.status, early.response?.body.toString(), early.closedByPeer], [200, 'ok', false]);
  const late = await rawExchange('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { port, untilClose: true });
  assert.deepEqual([late.response?.status, late.closedByPeer], [200, true]);
});

test('rawExchange fails given bytes that are not a response, unless lenient, which keeps them', async (t) => {
  const port = await rawServer(t, (socket) => socket.end('garbage\r\n\r\n'));
  await assert.rejects(rawExchange('GET / HTTP/1.1\r\n\r\n', { port }), /not an HTTP\/1\.x status line/);
  const lenient = await rawExchange('GET / HTTP/1.1\r\n\r\n', { port, lenient: true, untilClose: true });
  assert.deepEqual([lenient.response, lenient.raw.toString()], [undefined, 'garbage\r\n\r\n']);
  const silent = await rawServer(t, () => undefined);
  await assert.rejects(rawExchange('GET / HTTP/1.1\r\n\r\n', { port: silent, timeoutMs: 30 }), /timed out after 30 ms/);
});

test('sendRaw rejects a refused connection and a response cut short, and sends no body after a final answer to Expect', async (t) => {
  const refused = new URL(`http://127.0.0.1:${await freePort()}`);
  await assert.rejects(sendRaw(refused, { method: 'GET', target: '/' }), /ECONNREFUSED/);
  const cut = new URL(`http://127.0.0.1:${await rawServer(t, (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab'))}`);
  await assert.rejects(sendRaw(cut, { method: 'GET', target: '/' }), /inside the response body \(2 bytes/);
  const closed = new URL(`http://127.0.0.1:${await rawServer(t, (socket) => socket.end('HTTP/1.1 2'))}`);
  await assert.rejects(sendRaw(closed, { method: 'GET', target: '/' }), /before a complete response head \(10 bytes/);
  const seen: Buffer[] = [];
  const declined = new URL(
    `http://127.0.0.1:${await rawServer(t, (socket) => {
      socket.on('data', (data: Buffer) => seen.push(data));
      socket.end('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n');
    })}`,
  );
  const response = await sendRaw(declined, { method: 'POST', target: '/', headers: [['Expect', '100-continue']], body: Buffer.from('body'), expectContinue: true });
  assert.deepEqual([response.status, Buffer.concat(seen).toString()], [417, '']);
});

test('describeRequest shows the head and a summary of the body for assertion messages', () => {
  const origin = new URL('http://127.0.0.1:9');
  const request = { method: 'POST', target: '/x', chunks: [Buffer.from('a'), Buffer.from('b')], expectContinue: true };
  assert.equal(requestBodyBytes(request).toString(), 'ab');
  assert.equal(requestBodyBytes({ method: 'GET', target: '/' }).length, 0);
  assert.equal(
    describeRequest(origin, request),
    [
      'to 127.0.0.1:9 (waiting for 100 Continue before the body):',
      '  POST /x HTTP/1.1',
      '  Host: 127.0.0.1:9',
      '  Transfer-Encoding: chunked',
      `  body: 2 bytes, sha256 ${sha256Hex(Buffer.from('ab'))}, chunked in 2 chunks "ab"`,
    ].join('\n'),
  );
});
