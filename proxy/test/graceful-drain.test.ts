// Issue #2: close(grace) stops accepting, lets in-flight requests finish, bounded by the grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';

test('lets an in-flight request finish, then refuses new connections', async (t) => {
  let release: (() => void) | undefined;
  let arrived: (() => void) | undefined;
  const inUpstream = new Promise<void>((resolve) => (arrived = resolve));
  const upstream = await startUpstream((req, res) => {
    req.resume();
    release = () => res.end('done');
    arrived?.();
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(() => upstream.close());
  const inFlight = request(proxy.port, { method: 'POST', path: '/slow', body: 'x' });
  await inUpstream;
  const closed = proxy.close(5000);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
  assert.equal(refused, true);
  release?.();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(res.text, 'done');
  assert.equal(res.headers.connection, 'close');
  await closed;
  assert.equal(proxy.app.status.requestsProcessed, 1);
});

test('cuts requests still running when the grace period ends', async (t) => {
  let arrived: (() => void) | undefined;
  const inUpstream = new Promise<void>((resolve) => (arrived = resolve));
  const upstream = await startUpstream((req) => {
    req.resume();
    arrived?.();
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(() => upstream.close());
  const inFlight = request(proxy.port, { path: '/never' });
  await inUpstream;
  await proxy.close(50);
  await assert.rejects(inFlight);
});
