// Pins the Node internals read by node-http-internals.ts: if a Node upgrade renames or stops
// setting them, these fail, not the 'clientError' answers in production.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { responseOnSocket, responseStartedOn } from './node-http-internals.js';

test('socket._httpMessage is the ServerResponse while a request is answered, and shows its head once sent', async () => {
  const seen: Array<[string, unknown]> = [];
  const server = http.createServer((req, res) => {
    seen.push(['same response', responseOnSocket(req.socket) === res]);
    seen.push(['started before head', responseStartedOn(req.socket)]);
    res.writeHead(200, { 'content-length': '2' });
    res.flushHeaders();
    seen.push(['started after head', responseStartedOn(req.socket)]);
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.equal(await res.text(), 'ok');
  } finally {
    server.closeAllConnections();
    server.close();
  }
  assert.deepEqual(seen, [
    ['same response', true],
    ['started before head', false],
    ['started after head', true],
  ]);
});

test('a socket that no response was ever assigned to has none', () => {
  const socket = new Duplex({ read() {}, write(_chunk, _enc, cb) { cb(); } });
  assert.equal(responseOnSocket(socket), undefined);
  assert.equal(responseStartedOn(socket), false);
  socket.destroy();
});
