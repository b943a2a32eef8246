import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { pino } from 'pino';
import { createManualClock } from '../../test/support/manual-clock.js';
import { parseConfig } from '../config/config.js';
import { createMetrics } from '../observe/metrics.js';
import { StatusCounter } from '../observe/status.js';
import { createForwarder } from './passes.js';

async function listening(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

test('returns 504 UPSTREAM_TIMEOUT on the injected clock and timers given an upstream that never answers', { timeout: 10_000 }, async () => {
  const clock = createManualClock();
  let headArrived: () => void = () => {};
  const headSent = new Promise<void>((resolve) => (headArrived = resolve));
  const sockets: net.Socket[] = [];
  const upstream = net.createServer((socket) => {
    sockets.push(socket);
    socket.once('data', () => headArrived());
  });
  const config = parseConfig({ UPSTREAM_URL: `http://127.0.0.1:${await listening(upstream)}`, UPSTREAM_TIMEOUT_MS: '1000' });
  const forwarder = createForwarder({
    config,
    sign: () => ({ token: 'unused for GET', jti: 'unused' }),
    metrics: createMetrics({ defaultMetrics: false }),
    status: new StatusCounter(() => 0),
    logger: pino({ level: 'silent' }),
    listener: () => undefined,
    isClosing: () => false,
    onRequestDone: () => {},
    now: clock.now,
    timers: clock.timers,
  });
  const proxy = http.createServer(forwarder.handle);
  const request = http.get({ port: await listening(proxy), host: '127.0.0.1', path: '/slow', agent: false });
  const response = once(request, 'response');
  await headSent;
  assert.equal(clock.pending(), 1, 'the one upstream timer, on the manual clock');
  // Once the request is sent, the head must come within the timeout; a last look at the socket
  // may first see the request's own bytes move (an idle timer), so a second period settles it.
  clock.advance(1000);
  clock.advance(1000);
  const [res] = (await response) as [http.IncomingMessage];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  assert.equal(res.statusCode, 504);
  assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'UPSTREAM_TIMEOUT');
  forwarder.destroy();
  proxy.closeAllConnections();
  proxy.close();
  for (const socket of sockets) socket.destroy();
  upstream.close();
});
