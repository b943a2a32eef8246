// Issue 23, item 6: the live /status page. GET /status/series serves this process's last minutes
// (requests per second, status mix, upstream latency, tokens signed, key, mode); the page's files and
// uPlot are served by the proxy itself; the JSON form of /status is unchanged; only origin-form GET
// and HEAD of these exact paths are the proxy's own, everything else is forwarded as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rawExchange } from '../../contracts/testing/raw-http.js';
import { request } from './support/client.js';
import { TEST_TIMEOUT_MS, startProxy } from './support/proxy.js';
import { startUpstream } from './support/upstreams.js';

interface Series {
  pid: number;
  tokensSigned: number;
  signingKey: { kid: string | null; alg: string };
  mode: { reverse: string; forward: string[] };
  signedMethods: string[];
  traffic: { t: number[]; requests: number[]; statusMix: Record<string, number>; latency: { samples: number; p50Ms: number | null } };
}

async function rig(t: { after: (fn: () => Promise<void>) => void }) {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(`upstream ${req.method} ${req.url}`);
    });
  });
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin }, { now: () => now });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { upstream, proxy, now };
}

test('GET /status/series serves the traffic, tokens signed, the key and the mode', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { upstream, proxy, now } = await rig(t);
  await request(proxy.port, { method: 'POST', path: '/a', body: 'x' });
  await request(proxy.port, { method: 'POST', path: '/b', body: 'y' });
  await request(proxy.port, { path: '/missing' });
  await request(proxy.port, { path: '/x', headers: { via: '1.1 jwt-proxy' } }); // 508, no upstream answer
  await request(proxy.port, { path: '/status' }); // own endpoints are not traffic
  const res = await request(proxy.port, { path: '/status/series' });
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  assert.equal(res.headers['cache-control'], 'no-store');
  const series = res.json<Series>();
  assert.equal(series.pid, process.pid);
  assert.equal(series.tokensSigned, 2);
  assert.deepEqual(series.signingKey, { kid: null, alg: 'HS512' });
  assert.deepEqual(series.mode, { reverse: `${upstream.origin}/`, forward: [new URL(upstream.origin).host] });
  assert.deepEqual(series.signedMethods, ['POST']);
  assert.deepEqual(series.traffic.t, [now / 1000]);
  assert.deepEqual(series.traffic.requests, [4]);
  assert.deepEqual(series.traffic.statusMix, { '1xx': 0, '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 1, aborted: 0 });
  assert.equal(series.traffic.latency.samples, 3, 'the 508 never reached the upstream');
  assert.equal(typeof series.traffic.latency.p50Ms, 'number');
});

test('the HTML page carries a CSP of its own files only, and they are served by the proxy', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy } = await rig(t);
  const html = await request(proxy.port, { path: '/status', headers: { accept: 'text/html' } });
  assert.match(html.headers['content-security-policy'] as string, /^default-src 'none'; script-src 'self';/);
  assert.match(html.text, /<dd id="tokens-signed">0<\/dd>/);
  const uplotPath = createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js');
  const cases: [string, RegExp][] = [
    ['/status/page.js', /^text\/javascript/],
    ['/status/page.css', /^text\/css/],
    ['/status/uplot.min.js', /^text\/javascript/],
    ['/status/uplot.min.css', /^text\/css/],
  ];
  for (const [path, type] of cases) {
    const res = await request(proxy.port, { path });
    assert.equal(res.status, 200, path);
    assert.match(res.headers['content-type'] as string, type, path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    assert.ok(html.text.includes(`"${path}"`), `the page links ${path}`);
  }
  assert.equal((await request(proxy.port, { path: '/status/uplot.min.js' })).text, readFileSync(uplotPath, 'utf8'));
  // The JSON form is exactly as before.
  assert.deepEqual(Object.keys((await request(proxy.port, { path: '/status' })).json<object>()), [
    'startedAt',
    'uptimeSeconds',
    'requestsProcessed',
    'inFlight',
  ]);
});

test('only origin-form GET/HEAD of the exact paths are the proxy\'s own: the rest is forwarded', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await rig(t);
  assert.equal((await request(proxy.port, { method: 'POST', path: '/status/series', body: 'x' })).text, 'upstream POST /status/series');
  assert.equal((await request(proxy.port, { path: '/status/other' })).text, 'upstream GET /status/other');
  assert.equal((await request(proxy.port, { path: '/status/series/' })).text, 'upstream GET /status/series/');
  const head = await request(proxy.port, { method: 'HEAD', path: '/status/series' });
  assert.equal(head.status, 200);
  // Absolute-form names a target to forward to, never the proxy's own page.
  const absolute = await rawExchange(
    `GET ${upstream.origin}/status/series HTTP/1.1\r\nHost: ${new URL(upstream.origin).host}\r\nConnection: close\r\n\r\n`,
    { port: proxy.port, untilClose: true },
  );
  assert.match(absolute.raw.toString('latin1'), /upstream GET \/status\/series/);
});
