// Issue #22, what main.js does for its memory footprint:
// - a proxy that is never scraped does not load prom-client (main.js forwards without it, and loads
//   it at the first GET /metrics, whose numbers include what came before);
// - Node's Buffer pool slab is 4 KB (start.ts says why);
// - Node's bundled undici is never loaded (server/http-esm-facade.ts says why);
// - libuv's thread pool never starts: the ready line and the request lines are written
//   synchronously, with no fsync and no write on the pool (observe/process-logger.ts).
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from './support/client.js';
import { startMain, stopMain, untilMain } from './support/main-process.js';
import type { MainChild } from './support/main-process.js';
import { startUpstream } from './support/upstreams.js';

/**
 * Preloaded into main.js: on SIGUSR2 it prints whether prom-client is in the module cache, the
 * Buffer pool size, whether undici was loaded, and how many libuv pool threads run (Linux names them).
 */
const PROBE = `import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
const cache = createRequire(import.meta.url).cache;
process.on('SIGUSR2', () => {
  const loaded = Object.keys(cache).some((file) => file.includes('/prom-client/'));
  const undici = process.moduleLoadList.some((name) => name.includes('undici'));
  const threads = readdirSync('/proc/self/task').filter((id) => readFileSync('/proc/self/task/' + id + '/comm', 'utf8').startsWith('libuv-worker')).length;
  process.stdout.write('prom-client-loaded=' + loaded + ' buffer-pool=' + Buffer.poolSize + ' undici=' + undici + ' libuv-threads=' + threads + '\\n');
});
`;

/** main.js in front of a test upstream with the probe preloaded; both stopped after the test. */
async function startProbed(t: TestContext, logLevel: string): Promise<{ child: MainChild; port: number; output: () => string }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'jwt-proxy-footprint-'));
  const probe = path.join(folder, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const upstream = await startUpstream();
  const main = await startMain({ UPSTREAM_URL: upstream.origin, NODE_OPTIONS: `--import=${probe}`, LOG_LEVEL: logLevel });
  t.after(async () => {
    await stopMain(main.child);
    await upstream.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return main;
}

/** Signals the probe and resolves with its `count`-th answer line. */
function asker(main: { child: MainChild; output: () => string }): (count: number) => Promise<string> {
  const answers = (): string[] => main.output().split('\n').filter((line) => line.startsWith('prom-client-loaded='));
  return async (count) => {
    main.child.kill('SIGUSR2');
    return untilMain('the probe answer', async () => (answers().length >= count ? answers()[count - 1] : undefined));
  };
}

test('main.js forwards without prom-client, loads it at the first /metrics, and pools Buffers in 4 KB slabs', { timeout: 30_000 }, async (t) => {
  const main = await startProbed(t, 'warn');
  const ask = asker(main);
  assert.equal((await request(main.port, { method: 'POST', path: '/orders', body: '{}' })).status, 200);
  assert.equal((await request(main.port, { path: '/status' })).status, 200);
  const first = await ask(1);
  assert.match(first, /prom-client-loaded=false /, 'forwarding and /status do not load prom-client');
  assert.match(first, / buffer-pool=4096 /);
  const metrics = await request(main.port, { path: '/metrics' });
  assert.equal(metrics.status, 200);
  const text = metrics.body.toString('utf8');
  assert.match(text, /jwt_proxy_requests_total\{method="POST",status="200"\} 1\n/);
  assert.match(text, /jwt_proxy_tokens_signed_total 1\n/);
  assert.match(text, /jwt_proxy_upstream_latency_seconds_count 1\n/);
  assert.match(text, /process_resident_memory_bytes \d+/, 'the default process metrics are there from the first scrape');
  assert.match(await ask(2), /prom-client-loaded=true /);
});

for (const level of ['info', 'warn']) {
  test(`at LOG_LEVEL=${level}, main.js never loads undici nor starts libuv's thread pool`, { timeout: 30_000 }, async (t) => {
    const main = await startProbed(t, level);
    for (let i = 0; i < 20; i++) assert.equal((await request(main.port, { method: i % 2 === 0 ? 'POST' : 'GET', path: `/orders/${i}`, body: '{}' })).status, 200);
    assert.equal((await request(main.port, { path: '/status' })).status, 200);
    // The buffered request lines reach stdout by the flush timer: ask once they have.
    if (level === 'info') await untilMain('the request lines', async () => (main.output().includes('"msg":"request"') ? true : undefined));
    const answer = await asker(main)(1);
    assert.match(answer, / undici=false /);
    assert.match(answer, / libuv-threads=0$/);
  });
}
