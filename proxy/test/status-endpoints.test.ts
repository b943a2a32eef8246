// Issue #2: GET /status counts each forwarded request exactly once, whatever its outcome,
// exactly under concurrency; own endpoints are not forwarded and not counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './support/client.js';
import { startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';

interface Status {
  startedAt: string;
  uptimeSeconds: number;
  requestsProcessed: number;
  inFlight: number;
}

test('counts 50 parallel requests as exactly 50, errors included, own endpoints excluded', async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  let now = Date.UTC(2026, 10, 29, 8, 0, 0);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin }, { now: () => now });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const before = await request(proxy.port, { path: '/status' });
  assert.equal(before.json<Status>().requestsProcessed, 0);
  await Promise.all(Array.from({ length: 48 }, (_, i) => request(proxy.port, { method: i % 2 ? 'POST' : 'GET', path: `/r${i}`, body: i % 2 ? 'b' : undefined })));
  assert.equal((await request(proxy.port, { path: '/x', headers: { via: '1.1 jwt-proxy' } })).status, 508);
  assert.equal((await request(proxy.port, { method: 'TRACE', path: '/t' })).status, 405);
  await request(proxy.port, { path: '/healthz' });
  await request(proxy.port, { path: '/metrics' });
  now += 2500;
  const after = await request(proxy.port, { path: '/status?x=1' });
  assert.equal(after.status, 200);
  assert.match(after.headers['content-type'] as string, /^application\/json/);
  assert.deepEqual(after.json(), {
    startedAt: '2026-11-29T08:00:00.000Z',
    uptimeSeconds: 2.5,
    requestsProcessed: 50,
    inFlight: 0,
  });
});

test('serves an HTML page when the client prefers text/html, and forwards POST /status', async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    res.end(`upstream ${req.method} ${req.url}`);
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  await request(proxy.port, { path: '/one' });
  const html = await request(proxy.port, { path: '/status', headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } });
  assert.match(html.headers['content-type'] as string, /^text\/html/);
  assert.match(html.text, /<dd id="requests-processed">1<\/dd>/);
  const head = await request(proxy.port, { method: 'HEAD', path: '/status' });
  assert.equal(head.status, 200);
  const post = await request(proxy.port, { method: 'POST', path: '/status', body: 'x' });
  assert.equal(post.text, 'upstream POST /status');
  const health = await request(proxy.port, { path: '/healthz' });
  assert.deepEqual(health.json(), { status: 'ok' });
});

test('exposes Prometheus metrics without the secret or a token', async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  await request(proxy.port, { method: 'POST', path: '/m', body: 'x' });
  const metrics = await request(proxy.port, { path: '/metrics' });
  assert.match(metrics.headers['content-type'] as string, /^text\/plain/);
  assert.match(metrics.text, /jwt_proxy_requests_total\{method="POST",status="200"\} 1/);
  assert.match(metrics.text, /jwt_proxy_tokens_signed_total 1/);
  assert.match(metrics.text, /jwt_proxy_upstream_latency_seconds_bucket/);
  assert.doesNotMatch(metrics.text, /eyJ|a9ddbcab/);
  for (const line of proxy.logLines) assert.doesNotMatch(line, /eyJ|a9ddbcab/);
});

test('answers 503 when the cluster primary does not answer', async (t) => {
  const proxy = await startProxy(
    { UPSTREAM_URL: 'http://127.0.0.1:1' },
    {
      sources: {
        status: () => Promise.reject(new Error('primary gone')),
        metrics: () => Promise.reject(new Error('primary gone')),
      },
    },
  );
  t.after(() => proxy.close());
  const status = await request(proxy.port, { path: '/status' });
  assert.equal(status.status, 503);
  assert.equal(status.json<{ error: { code: string } }>().error.code, 'CLUSTER_UNAVAILABLE');
  assert.equal((await request(proxy.port, { path: '/metrics' })).status, 503);
});
