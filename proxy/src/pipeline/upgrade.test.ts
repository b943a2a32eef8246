import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { listen } from '../../../contracts/testing/listen.js';
import { header, rawExchange } from '../../../contracts/testing/raw-http.js';
import { closeAfterUpgrade } from './upgrade.js';

async function answer(rawRequest: string, untilClose: boolean): Promise<{ keepAlive: boolean; connection: string | undefined; closedByPeer: boolean }> {
  let keepAlive = true;
  const server = http.createServer((req, res) => {
    closeAfterUpgrade(req, res);
    keepAlive = res.shouldKeepAlive;
    res.end('ok');
  });
  const port = await listen(server);
  try {
    const exchange = await rawExchange(rawRequest, { port, untilClose, timeoutMs: 2_000 });
    return { keepAlive, connection: exchange.response === undefined ? undefined : header(exchange.response, 'connection'), closedByPeer: exchange.closedByPeer };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

test('closeAfterUpgrade answers an Upgrade request as a plain one and closes its connection', async () => {
  const upgraded = await answer('GET /up HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n', true);
  assert.deepEqual(upgraded, { keepAlive: false, connection: 'close', closedByPeer: true });
});

test('closeAfterUpgrade leaves a request without Upgrade on a kept-alive connection', async () => {
  const plain = await answer('GET /plain HTTP/1.1\r\nHost: x\r\n\r\n', false);
  assert.equal(plain.keepAlive, true);
  assert.equal(plain.connection, 'keep-alive');
});
