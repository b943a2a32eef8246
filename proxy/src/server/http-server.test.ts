// The server's listeners as attachListeners wires them, on a real server at 127.0.0.1 port 0,
// with a fake forwarder: what the dispatch and the edge cases answer before the pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { pino } from 'pino';
import { parseConfig } from '../config/config.js';
import { KeyRing } from '../keys/key-ring.js';
import { createMetrics } from '../observe/metrics.js';
import { StatusCounter } from '../observe/status.js';
import { attachListeners, createHttpServer } from './http-server.js';
import { createOwnEndpoints } from './own-endpoints.js';
import type { StatusSources } from './own-endpoints.js';
import { unrefTimeout } from '../observe/clock.js';

const failing: StatusSources = {
  status: () => Promise.reject(new Error('primary gone')),
  metrics: () => Promise.reject(new Error('primary gone')),
};

async function serve(env: Record<string, string>) {
  const config = parseConfig({ UPSTREAM_URL: 'http://127.0.0.1:9', ...env });
  const logger = pino({ level: 'silent' });
  const forwarded: string[] = [];
  const server = createHttpServer(config);
  attachListeners(server, {
    config,
    logger,
    forwarder: { handle: (req, res) => (forwarded.push(req.url ?? ''), res.end('forwarded')), destroy: () => undefined },
    own: createOwnEndpoints({ status: new StatusCounter(() => 0), sources: failing, logger, ring: new KeyRing(config.keys), config, metrics: createMetrics({ defaultMetrics: false }) }),
    onRefused: () => undefined,
    isClosing: () => true,
    schedule: unrefTimeout,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { server, port, forwarded };
}

/** Sends `raw` on a new connection and returns what came back before the server closed it. */
async function exchange(port: number, raw: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  socket.write(raw);
  await once(socket, 'close');
  return received;
}

test('answers an own endpoint that fails 503 CLUSTER_UNAVAILABLE with Connection: close while closing', async () => {
  const { server, port, forwarded } = await serve({});
  try {
    for (const path of ['/status', '/metrics']) {
      const received = await exchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.match(received, /^HTTP\/1\.1 503 /);
      assert.match(received, /\r\nConnection: close\r\n/i);
      assert.match(received, /"code":"CLUSTER_UNAVAILABLE"/);
    }
    assert.deepEqual(forwarded, []);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('leaves CONNECT and an unknown expectation on a connection over the cap to its 503', async () => {
  const { server, port, forwarded } = await serve({ MAX_CONNECTIONS: '1' });
  const held = net.connect(port, '127.0.0.1');
  held.on('error', () => undefined);
  await once(held, 'connect');
  try {
    for (const raw of ['CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n', 'POST /a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n']) {
      const received = await exchange(port, raw);
      assert.match(received, /^HTTP\/1\.1 503 /);
      assert.equal(received.match(/HTTP\/1\.1 /g)?.length, 1, received);
      assert.match(received, /"code":"TOO_MANY_CONNECTIONS"/);
    }
    assert.deepEqual(forwarded, []);
  } finally {
    held.destroy();
    server.closeAllConnections();
    server.close();
  }
});
