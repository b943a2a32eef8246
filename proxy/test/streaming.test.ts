// Issue #2: bodies stream both ways, never parsed or buffered: bytes, chunked framing and
// large bodies arrive intact, and the upstream sees the first bytes before the client sent the last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function hashingRig(t: { after: (fn: () => Promise<void>) => void }) {
  const upstream = await startUpstream((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      const body = JSON.stringify({ sha256: hash.digest('hex'), bytes, te: req.headers['transfer-encoding'] ?? null, cl: req.headers['content-length'] ?? null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { upstream, proxy };
}

test('forwards a 4 MB Content-Length body byte for byte', async (t) => {
  const { proxy } = await hashingRig(t);
  const body = randomBytes(4 * 1024 * 1024);
  // 4 MB through two hops: the default 5 s exchange bound was hit on a loaded machine (issue #23).
  const res = await request(proxy.port, { method: 'POST', path: '/big', body, headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 30_000 });
  assert.deepEqual(res.json(), { sha256: sha256(body), bytes: body.length, te: null, cl: String(body.length) });
});

test('forwards a chunked body byte for byte, still chunked', async (t) => {
  const { proxy } = await hashingRig(t);
  const parts = [randomBytes(1), randomBytes(70_000), Buffer.from('\r\n0\r\n\r\n'), randomBytes(3 * 1024 * 1024)];
  const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/chunked', agent: false });
  for (const part of parts) req.write(part);
  req.end();
  const [res] = (await once(req, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const all = Buffer.concat(parts);
  assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { sha256: sha256(all), bytes: all.length, te: 'chunked', cl: null });
});

test('the upstream sees the first bytes before the client has sent the last', async (t) => {
  let firstChunk: (() => void) | undefined;
  const sawFirst = new Promise<void>((resolve) => (firstChunk = resolve));
  const upstream = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      firstChunk?.();
    });
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/s', agent: false });
  const response = once(req, 'response') as Promise<[http.IncomingMessage]>;
  req.write('first-');
  await sawFirst; // would hang (test timeout) if the proxy buffered the body
  req.end('last');
  const [res] = await response;
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'first-last');
});

test('streams a large upstream response to the client byte for byte', async (t) => {
  const payload = randomBytes(5 * 1024 * 1024);
  const upstream = await startUpstream((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    // Written in pieces without Content-Length: chunked from the upstream.
    for (let offset = 0; offset < payload.length; offset += 1 << 20) res.write(payload.subarray(offset, offset + (1 << 20)));
    res.end();
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const res = await request(proxy.port, { path: '/download' });
  assert.equal(res.status, 200);
  assert.equal(sha256(res.body), sha256(payload));
});
