import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Exchange } from './exchange.js';
import { framesBody, framingRefusal, guardUnframedBody, refuseUnframedBody } from './request-framing.js';

test('framesBody is true for Content-Length or Transfer-Encoding only', () => {
  assert.equal(framesBody({ 'content-length': '0' }), true);
  assert.equal(framesBody({ 'transfer-encoding': 'chunked' }), true);
  assert.equal(framesBody({ host: 'x' }), false);
});

/** A real server whose handler runs `inspect` on each request; the client sends raw bytes. */
async function withServer(raw: string, inspect: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer(inspect);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  socket.end(raw);
  await once(socket, 'close');
  server.closeAllConnections();
  server.close();
  return received;
}

test('framingRefusal reads the request as Node parsed it', async () => {
  const codes: Array<string | undefined> = [];
  await withServer(
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    (req, res) => {
      codes.push(framingRefusal(req));
      res.end();
    },
  );
  await withServer('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx', (req, res) => {
    codes.push(framingRefusal(req));
    res.end();
  });
  assert.deepEqual(codes, ['TRANSFER_CODING_NOT_IMPLEMENTED', undefined]);
});

test('guardUnframedBody fires before a piped body is written when the upstream headers frame none', async () => {
  const events: string[] = [];
  await withServer('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello', (req, res) => {
    // As if the parser had framed a body that req.headers does not show (Node 20, issue #16).
    guardUnframedBody(req, { host: 'x' }, () => events.push('unframed'));
    req.on('data', () => events.push('piped'));
    req.on('end', () => res.end());
  });
  assert.deepEqual(events.slice(0, 2), ['unframed', 'piped']);
  assert.equal(events.filter((event) => event === 'unframed').length, 1, 'once');
});

test('guardUnframedBody stays silent for framed bodies and for requests without a body', async () => {
  const events: string[] = [];
  await withServer('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello', (req, res) => {
    guardUnframedBody(req, { 'content-length': '5' }, () => events.push('unframed'));
    req.resume();
    req.on('end', () => res.end());
  });
  await withServer('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', (req, res) => {
    guardUnframedBody(req, {}, () => events.push('unframed'));
    req.resume();
    req.on('end', () => res.end());
  });
  assert.deepEqual(events, []);
});

test('refuseUnframedBody cuts the upstream request and answers 400 BAD_FRAMING on an unframed body byte', async () => {
  let destroyed = false;
  let outcome: string | undefined;
  const received = await withServer('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', (req, res) => {
    // The upstream headers as if the parser had hidden the body's framing from req.headers.
    req.headers = { host: 'x' };
    const exchange = { req, res, outcome: undefined as string | undefined };
    const proxyReq = { destroy: () => (destroyed = true) } as unknown as ClientRequest;
    refuseUnframedBody(exchange as unknown as Exchange, proxyReq);
    req.resume();
    res.on('finish', () => (outcome = exchange.outcome));
  });
  assert.equal(destroyed, true, 'the upstream request is cut');
  assert.equal(outcome, 'BAD_FRAMING');
  assert.match(received, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(received, /"code":"BAD_FRAMING"/);
});
