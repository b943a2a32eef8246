// Issue #22, what main.js does for its memory footprint: a proxy that is never scraped does not load
// prom-client (main.js forwards without it, and loads it at the first GET /metrics, whose numbers
// include what came before), and Node's Buffer pool slab is 4 KB (main.ts says why).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from './support/client.js';
import { startMain, stopMain, untilMain } from './support/main-process.js';
import { startUpstream } from './support/upstreams.js';

/** Preloaded into main.js: on SIGUSR2 it prints whether prom-client is in the module cache, and the Buffer pool size. */
const PROBE = `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('SIGUSR2', () => {
  const loaded = Object.keys(cache).some((file) => file.includes('/prom-client/'));
  process.stdout.write('prom-client-loaded=' + loaded + ' buffer-pool=' + Buffer.poolSize + '\\n');
});
`;

test('main.js forwards without prom-client, loads it at the first /metrics, and pools Buffers in 4 KB slabs', { timeout: 30_000 }, async (t) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'jwt-proxy-lazy-'));
  const probe = path.join(folder, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const upstream = await startUpstream();
  const main = await startMain({ UPSTREAM_URL: upstream.origin, NODE_OPTIONS: `--import=${probe}`, LOG_LEVEL: 'warn' });
  t.after(async () => {
    await stopMain(main.child);
    await upstream.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const answers = (): string[] => [...main.output().matchAll(/prom-client-loaded=(\w+)/g)].map((m) => m[1] ?? '');
  const ask = async (count: number): Promise<string | undefined> => {
    main.child.kill('SIGUSR2');
    return untilMain('the probe answer', async () => (answers().length >= count ? answers()[count - 1] : undefined));
  };
  assert.equal((await request(main.port, { method: 'POST', path: '/orders', body: '{}' })).status, 200);
  assert.equal((await request(main.port, { path: '/status' })).status, 200);
  assert.equal(await ask(1), 'false', 'forwarding and /status do not load prom-client');
  assert.match(main.output(), /buffer-pool=4096\n/);
  const metrics = await request(main.port, { path: '/metrics' });
  assert.equal(metrics.status, 200);
  const text = metrics.body.toString('utf8');
  assert.match(text, /jwt_proxy_requests_total\{method="POST",status="200"\} 1\n/);
  assert.match(text, /jwt_proxy_tokens_signed_total 1\n/);
  assert.match(text, /jwt_proxy_upstream_latency_seconds_count 1\n/);
  assert.match(text, /process_resident_memory_bytes \d+/, 'the default process metrics are there from the first scrape');
  assert.equal(await ask(2), 'true');
});
