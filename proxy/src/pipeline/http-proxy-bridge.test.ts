import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpProxyBridge } from './http-proxy-bridge.js';
import type { UpstreamEvents } from './http-proxy-bridge.js';

const WAIT_MS = 5_000;
/** The front server's response for each request (the error event hands back only req). */
const responses = new WeakMap<http.IncomingMessage, http.ServerResponse>();

/** Rejects after `ms`: every wait in this file is bounded. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A raw upstream that records each request head and answers 204. */
async function startHeadRecorder(): Promise<{ port: number; heads: string[]; close(): Promise<void> }> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      for (let end = seen.indexOf('\r\n\r\n'); end !== -1; end = seen.indexOf('\r\n\r\n')) {
        heads.push(seen.slice(0, end));
        seen = seen.slice(end + 4);
        socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), 'the upstream to listen');
  return {
    port: (server.address() as AddressInfo).port,
    heads,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A front server that hands every request to the bridge with the path the test asks for. */
async function startFront(upstreamPort: number, pathFor: (url: string) => string, events: Partial<UpstreamEvents> = {}) {
  const bridge = createHttpProxyBridge({
    request: events.request ?? (() => undefined),
    response: (_req, proxyRes, res) => {
      res.writeHead(proxyRes.statusCode as number);
      proxyRes.pipe(res);
    },
    error: events.error ?? ((_req, err) => assert.fail(`unexpected upstream error ${String(err)}`)),
    internal: (_req, _res, err) => assert.fail(`unexpected internal error ${String(err)}`),
  });
  const target = { protocol: 'http:' as const, hostname: '127.0.0.1', host: `127.0.0.1:${upstreamPort}`, port: upstreamPort, path: '' };
  const server = http.createServer((req, res) => {
    responses.set(req, res);
    req.headers = { host: target.host, 'x-added': 'by-us' };
    bridge.send(req, res, { target, path: pathFor(req.url as string) });
  });
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), 'the front server to listen');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      bridge.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function call(port: number, method: string, path: string): Promise<number> {
  const req = http.request({ host: '127.0.0.1', port, method, path, agent: false });
  req.end();
  const [res] = (await within(once(req, 'response'), `${method} ${path}`)) as [http.IncomingMessage];
  res.resume();
  await within(once(res, 'end'), `${method} ${path} to end`);
  return res.statusCode as number;
}

test('sends the request-target it is given byte for byte, asterisk-form included (httpxy would rebuild it from req.url)', async (t) => {
  const upstream = await startHeadRecorder();
  t.after(() => upstream.close());
  const paths: Record<string, string> = { '/star': '*', '/dots': '//a/./%2e%2e/b?q=%20&r=%2F#', '/prefix': '/p//x?y' };
  const front = await startFront(upstream.port, (url) => (paths[url] as string).replace('#', ''));
  t.after(() => front.close());
  assert.equal(await call(front.port, 'OPTIONS', '/star'), 204);
  assert.equal(await call(front.port, 'GET', '/dots'), 204);
  assert.equal(await call(front.port, 'POST', '/prefix'), 204);
  const lines = upstream.heads.map((head) => head.split('\r\n')[0]);
  assert.deepEqual(lines, ['OPTIONS * HTTP/1.1', 'GET //a/./%2e%2e/b?q=%20&r=%2F HTTP/1.1', 'POST /p//x?y HTTP/1.1']);
  for (const head of upstream.heads) assert.match(head, /\r\nx-added: by-us\r\n/i);
});

test('adds no Content-Length to a bodyless DELETE or OPTIONS (httpxy deleteLength adds 0)', async (t) => {
  const upstream = await startHeadRecorder();
  t.after(() => upstream.close());
  const front = await startFront(upstream.port, (url) => url);
  t.after(() => front.close());
  assert.equal(await call(front.port, 'DELETE', '/d'), 204);
  assert.equal(await call(front.port, 'OPTIONS', '/o'), 204);
  assert.equal(upstream.heads.length, 2);
  for (const head of upstream.heads) assert.doesNotMatch(head, /content-length/i);
});

test('sends a chunked request with Connection: close (httpxy smuggling hardening, kept on purpose)', async (t) => {
  const upstream = await startHeadRecorder();
  t.after(() => upstream.close());
  const bridge = createHttpProxyBridge({
    request: () => undefined,
    response: (_req, proxyRes, res) => {
      res.writeHead(proxyRes.statusCode as number);
      proxyRes.pipe(res);
    },
    error: (_req, err) => assert.fail(String(err)),
    internal: (_req, _res, err) => assert.fail(String(err)),
  });
  const target = { protocol: 'http:' as const, hostname: '127.0.0.1', host: `127.0.0.1:${upstream.port}`, port: upstream.port, path: '' };
  const server = http.createServer((req, res) => {
    req.headers = { host: target.host, 'transfer-encoding': 'chunked' };
    bridge.send(req, res, { target, path: '/chunked' });
  });
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), 'the front server to listen');
  t.after(async () => {
    bridge.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/c', agent: false });
  req.end('chunk');
  const [res] = (await within(once(req, 'response'), 'the chunked POST')) as [http.IncomingMessage];
  res.resume();
  assert.equal(res.statusCode, 204);
  const head = upstream.heads[0] as string;
  assert.match(head, /\r\ntransfer-encoding: chunked(\r\n|$)/i);
  assert.match(head, /\r\nconnection: close(\r\n|$)/i);
});

test('hands each upstream ClientRequest to the request event before its head is written', async (t) => {
  const upstream = await startHeadRecorder();
  t.after(() => upstream.close());
  const seen: string[] = [];
  const front = await startFront(upstream.port, (url) => url, {
    request: (req, proxyReq) => {
      seen.push(`${req.url} ${String(proxyReq.headersSent)}`);
      proxyReq.setHeader('x-late', 'yes');
    },
  });
  t.after(() => front.close());
  assert.equal(await call(front.port, 'POST', '/late'), 204);
  assert.deepEqual(seen, ['/late false']);
  assert.match(upstream.heads[0] as string, /\r\nx-late: yes(\r\n|$)/i);
});

test('reports a refused upstream through the error event with the socket error code', async (t) => {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await within(once(probe, 'listening'), 'a free port');
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const codes: unknown[] = [];
  const front = await startFront(closedPort, (url) => url, {
    error: (req, err) => {
      codes.push((err as { code?: unknown }).code);
      responses.get(req)?.writeHead(502).end();
    },
  });
  t.after(() => front.close());
  assert.equal(await call(front.port, 'GET', '/x'), 502);
  assert.deepEqual(codes, ['ECONNREFUSED']);
});

test('forwards without any deprecation warning (http-proxy 1.18 printed DEP0060 on Node 24)', async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const upstream = await startHeadRecorder();
  t.after(() => upstream.close());
  const front = await startFront(upstream.port, (url) => url);
  t.after(() => front.close());
  assert.equal(await call(front.port, 'POST', '/w'), 204);
  // Warnings are emitted on process.nextTick: one macrotask later every one has arrived.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings.filter((w) => w.startsWith('DeprecationWarning')), []);
});

test('sends to a fixed-target origin and, through the router, to any other origin with the same bridge', async (t) => {
  const fixedUpstream = await startHeadRecorder();
  const otherUpstream = await startHeadRecorder();
  t.after(() => fixedUpstream.close());
  t.after(() => otherUpstream.close());
  const targetOf = (port: number) => ({ protocol: 'http:' as const, hostname: '127.0.0.1', host: `127.0.0.1:${port}`, port, path: '' });
  const bridge = createHttpProxyBridge(
    {
      request: () => undefined,
      response: (_req, proxyRes, res) => {
        res.writeHead(proxyRes.statusCode as number);
        proxyRes.pipe(res);
      },
      error: (_req, err) => assert.fail(`unexpected upstream error ${String(err)}`),
      internal: (_req, _res, err) => assert.fail(`unexpected internal error ${String(err)}`),
    },
    // A copy, not the same object: origins match by value.
    { fixedTargets: [{ ...targetOf(fixedUpstream.port) }] },
  );
  const server = http.createServer((req, res) => {
    const port = req.url?.startsWith('/fixed') ? fixedUpstream.port : otherUpstream.port;
    req.headers = { host: `127.0.0.1:${port}` };
    bridge.send(req, res, { target: targetOf(port), path: req.url as string });
  });
  server.listen(0, '127.0.0.1');
  await within(once(server, 'listening'), 'the front server to listen');
  t.after(() => {
    bridge.destroy();
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  assert.equal(await call(port, 'GET', '/fixed/1'), 204);
  assert.equal(await call(port, 'GET', '/other/1'), 204);
  assert.equal(await call(port, 'GET', '/fixed/2'), 204);
  assert.deepEqual(fixedUpstream.heads.map((head) => head.split('\r\n')[0]), ['GET /fixed/1 HTTP/1.1', 'GET /fixed/2 HTTP/1.1']);
  assert.deepEqual(otherUpstream.heads.map((head) => head.split('\r\n')[0]), ['GET /other/1 HTTP/1.1']);
});
