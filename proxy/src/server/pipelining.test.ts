import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { ResponseTracker } from './pipelining.js';

interface Run {
  readonly received: string;
  readonly events: string[];
}

/** A server that tracks responses, answers after `delayMs`, and on a parse error lets open responses finish. */
async function run(
  raw: string,
  onRequest?: (req: http.IncomingMessage, res: http.ServerResponse, responses: ResponseTracker) => void,
): Promise<Run> {
  const events: string[] = [];
  const responses = new ResponseTracker();
  const server = http.createServer((req, res) => {
    responses.track(req, res);
    events.push(`request ${req.url}`);
    onRequest?.(req, res, responses);
    setTimeout(() => res.end('ok'), 20);
  });
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    events.push(`clientError ${err.code}`);
    if (!responses.closeAfterOpen(socket, () => socket.destroy())) socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  socket.write(raw);
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  events.push(socket.destroyed || socket.readableEnded ? 'closed' : 'open');
  socket.destroy();
  server.closeAllConnections();
  server.close();
  return { received, events };
}

test('garbage behind a valid request: the request is answered, nothing more, then the connection closes', async () => {
  const { received, events } = await run('POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi\x00GARBAGE\r\n\r\n');
  assert.deepEqual(events, ['request /a', 'clientError HPE_INVALID_METHOD', 'closed']);
  assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(received, /\r\nConnection: close\r\n/);
  assert.equal(received.match(/HTTP\/1\.1/g)?.length, 1);
});

test('bytes after a Connection: close request: the request is answered, then the connection closes', async () => {
  const { received, events } = await run('GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.deepEqual(events, ['request /a', 'clientError HPE_CLOSED_CONNECTION', 'closed']);
  assert.equal(received.match(/HTTP\/1\.1 200/g)?.length, 1);
});

test('lastOpen forgets a finished response', async () => {
  let seen: http.ServerResponse | undefined;
  let during: http.ServerResponse | undefined;
  await run('GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', (req, res, responses) => {
    during = responses.lastOpen(req.socket);
    res.on('finish', () => {
      seen = responses.lastOpen(req.socket);
    });
  });
  assert.ok(during !== undefined);
  assert.equal(seen, undefined);
});

test('two trackers never share a connection: one server does not see another\'s responses', async () => {
  const other = new ResponseTracker();
  let seen: http.ServerResponse | undefined;
  await run('GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', (req) => {
    seen = other.lastOpen(req.socket);
  });
  assert.equal(seen, undefined);
});

test('a closed response is let go, so the exchange behind it is not kept until the next request (issue #22)', () => {
  const responses = new ResponseTracker();
  const socket = new EventEmitter() as unknown as net.Socket;
  const exchange = (): { req: http.IncomingMessage; res: http.ServerResponse } => {
    const req = { socket } as unknown as http.IncomingMessage;
    const res = Object.assign(new EventEmitter(), { req }) as unknown as http.ServerResponse;
    return { req, res };
  };
  const first = exchange();
  responses.track(first.req, first.res);
  const second = exchange();
  responses.track(second.req, second.res);
  first.res.emit('close');
  assert.equal(responses.holds(socket), true, "an older response closing leaves the newer one's entry");
  second.res.emit('close');
  assert.equal(responses.holds(socket), false, 'the newest response closed: nothing held for the connection');
  assert.equal(responses.lastOpen(socket), undefined);
});
