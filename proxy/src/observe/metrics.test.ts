import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, methodLabel } from './metrics.js';

test('keeps known methods as labels and folds the rest into OTHER', () => {
  assert.equal(methodLabel('POST'), 'POST');
  assert.equal(methodLabel('BREW'), 'OTHER');
  assert.equal(methodLabel(undefined), 'OTHER');
});

test('registries are isolated per app and expose the proxy series', async () => {
  const a = createMetrics({ defaultMetrics: false });
  const b = createMetrics({ defaultMetrics: true });
  a.requests.inc({ method: 'POST', status: 200 });
  a.tokensSigned.inc();
  a.upstreamLatency.observe(0.004);
  const text = await a.registry.metrics();
  assert.match(text, /jwt_proxy_requests_total\{method="POST",status="200"\} 1/);
  assert.match(text, /jwt_proxy_tokens_signed_total 1/);
  assert.match(text, /jwt_proxy_upstream_latency_seconds_count 1/);
  assert.doesNotMatch(text, /process_cpu/);
  assert.match(await b.registry.metrics(), /process_cpu_user_seconds_total/);
  assert.doesNotMatch(await b.registry.metrics(), /status="200"/);
});
