// Issue #2: upstream refused/reset/invalid -> 502, no answer within UPSTREAM_TIMEOUT_MS -> 504,
// each with a stable code in the body and the log; upstream 4xx/5xx relayed unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { PROXY_ERROR_MESSAGES } from '../src/errors.js';
import { send, startProxy, startRawUpstream, startUpstream } from './helpers/harness.js';

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A proxy in front of a raw TCP upstream; both closed with the test. */
async function rawRig(t: { after: (fn: () => Promise<void>) => void }, onData: (socket: net.Socket) => void) {
  const upstream = await startRawUpstream(onData);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.url });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { proxy };
}

test('returns 504 UPSTREAM_TIMEOUT given an upstream slower than the timeout', async (t) => {
  const upstream = await startUpstream(() => undefined); // never answers
  const proxy = await startProxy({ UPSTREAM_URL: upstream.url, UPSTREAM_TIMEOUT_MS: '150' });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await send(proxy.port, { method: 'POST', path: '/slow', body: 'x' });
  assert.equal(res.status, 504);
  assert.deepEqual(res.json(), { error: { code: 'UPSTREAM_TIMEOUT', message: PROXY_ERROR_MESSAGES.UPSTREAM_TIMEOUT } });
  assert.equal(proxy.logs.at(-1)!.code, 'UPSTREAM_TIMEOUT');
  assert.equal(proxy.logs.at(-1)!.status, 504);
});

test('returns 502 UPSTREAM_UNREACHABLE given a refused connection', async (t) => {
  const proxy = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${await freePort()}` });
  t.after(() => proxy.close());
  const res = await send(proxy.port, { method: 'POST', path: '/x', body: 'x' });
  assert.equal(res.status, 502);
  assert.deepEqual(res.json(), { error: { code: 'UPSTREAM_UNREACHABLE', message: PROXY_ERROR_MESSAGES.UPSTREAM_UNREACHABLE } });
  const head = await send(proxy.port, { method: 'HEAD', path: '/x' });
  assert.equal(head.status, 502);
  assert.equal(head.body.length, 0);
});

test('returns 502 UPSTREAM_RESET given an upstream that resets before answering', async (t) => {
  const { proxy } = await rawRig(t, (socket) => socket.resetAndDestroy());
  const res = await send(proxy.port, { path: '/r' });
  assert.equal(res.status, 502);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'UPSTREAM_RESET');
});

test('returns 502 UPSTREAM_BAD_RESPONSE given an upstream that speaks garbage', async (t) => {
  const { proxy } = await rawRig(t, (socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
  const res = await send(proxy.port, { path: '/g' });
  assert.equal(res.status, 502);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'UPSTREAM_BAD_RESPONSE');
});

test('aborts the client response cleanly given an upstream that dies mid-body', async (t) => {
  const { proxy } = await rawRig(t, (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
    setImmediate(() => socket.destroy());
  });
  await assert.rejects(send(proxy.port, { path: '/cut' }));
  await new Promise<void>((resolve) => {
    const check = (): void => (proxy.logs.some((l) => l.code === 'UPSTREAM_RESET') ? resolve() : void setTimeout(check, 5));
    check();
  });
});

test('relays upstream 4xx and 5xx statuses and bodies unchanged', async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    const status = Number(req.url!.slice(1));
    res.writeHead(status, 'Custom Reason', { 'content-type': 'text/plain', 'x-upstream': 'yes' });
    res.end(`upstream says ${status}`);
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.url });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  for (const status of [400, 401, 404, 418, 500, 502, 503]) {
    const res = await send(proxy.port, { method: 'POST', path: `/${status}`, body: 'x' });
    assert.equal(res.status, status);
    assert.equal(res.text(), `upstream says ${status}`);
    assert.equal(res.headers['x-upstream'], 'yes');
  }
});

test('returns 502 UPSTREAM_BAD_RESPONSE given a status Node cannot relay (042)', async (t) => {
  const { proxy } = await rawRig(t, (socket) => socket.end('HTTP/1.1 042 Odd\r\nContent-Length: 0\r\n\r\n'));
  const res = await send(proxy.port, { path: '/odd' });
  assert.equal(res.status, 502);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'UPSTREAM_BAD_RESPONSE');
});
