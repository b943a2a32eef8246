// STYLE.md / issue #6: when the client goes away, the upstream request is aborted rather
// than left running (its connection to the upstream is torn down).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { within } from '../../../contracts/testing/wait.js';
import { awaitLogged, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('aborts the upstream request given a client that disconnects while uploading', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { handler: () => undefined });
  const client = net.connect(proxy.port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write('POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\npartial');
  const seen = await upstream.nthRequest(0);
  client.destroy();
  await upstream.settled(seen);
  assert.equal(seen.complete, false);
  if (!seen.req.socket.closed) await within(once(seen.req.socket, 'close'), 2000, 'the upstream connection to close');
  await awaitLogged(proxy, 'CLIENT_ABORTED');
});

test('aborts the upstream request given a client that disconnects while waiting for the response', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, { handler: (req) => req.resume() });
  const client = net.connect(proxy.port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write('GET /wait HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const seen = await upstream.nthRequest(0);
  client.destroy();
  if (!seen.res.closed) await within(once(seen.res, 'close'), 2000, 'the upstream response to be abandoned');
  assert.equal(seen.res.writableFinished, false, 'the upstream never got to finish its response');
});

test('aborts the upstream response given a client that disconnects while downloading', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    handler: (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('x'.repeat(1000));
    },
  });
  const client = net.connect(proxy.port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write('GET /download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await within(once(client, 'data'), 5000, 'the first bytes of the response');
  const seen = await upstream.nthRequest(0);
  client.destroy();
  if (!seen.res.closed) await within(once(seen.res, 'close'), 2000, 'the upstream response to be torn down');
  assert.equal(seen.res.writableFinished, false);
});
