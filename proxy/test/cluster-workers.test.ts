// Issue #7: WORKERS=2 runs the proxy under node:cluster; /status on any worker reports the whole
// proxy (requestsProcessed summed exactly, the primary's startedAt, a per-worker breakdown), and
// SIGTERM to the primary drains every worker and exits 0. Runs the built main.js as a child.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from './support/client.js';
import { startUpstream } from './support/upstreams.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

interface ClusterStatusBody {
  startedAt: string;
  requestsProcessed: number;
  inFlight: number;
  workers: { worker: number; pid: number; requestsProcessed: number }[];
}

test('sums N requests spread over 2 workers to exactly N, then drains on SIGTERM', { timeout: 30_000 }, async (t) => {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  t.after(() => upstream.close());
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HTTP_PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstream.origin, WORKERS: '2', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit');
  child.stdout.setEncoding('utf8');
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`proxy exited early: ${out}`)));
  });
  const beforeMs = Date.now();
  const N = 60;
  const results = await Promise.all(
    Array.from({ length: N }, (_, i) => request(port, { method: i % 3 === 0 ? 'POST' : 'GET', path: `/n${i}`, body: i % 3 === 0 ? 'x' : undefined })),
  );
  assert.ok(results.every((r) => r.status === 200));
  const status = (await request(port, { path: '/status' })).json<ClusterStatusBody>();
  assert.equal(status.requestsProcessed, N);
  assert.equal(status.inFlight, 0);
  assert.equal(status.workers.length, 2);
  assert.equal(status.workers.reduce((sum, w) => sum + w.requestsProcessed, 0), N);
  assert.ok(Date.parse(status.startedAt) <= beforeMs);
  // Every worker answers for the whole proxy.
  for (let i = 0; i < 4; i += 1) {
    assert.equal((await request(port, { path: '/status' })).json<ClusterStatusBody>().requestsProcessed, N);
  }
  const metrics = (await request(port, { path: '/metrics' })).text;
  const counted = [...metrics.matchAll(/^jwt_proxy_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(counted, N);
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
});
