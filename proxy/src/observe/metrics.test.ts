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
  a.requests.add('POST', 200);
  a.requests.add('POST', 200);
  a.requests.add('BREW', 0);
  a.tokensSigned.inc();
  a.upstreamLatency.observe(0.004);
  const text = await a.registry.metrics();
  assert.match(text, /jwt_proxy_requests_total\{method="POST",status="200"\} 2/);
  assert.match(text, /jwt_proxy_requests_total\{method="OTHER",status="0"\} 1/);
  assert.match(text, /jwt_proxy_tokens_signed_total 1/);
  assert.match(text, /jwt_proxy_upstream_latency_seconds_count 1/);
  assert.doesNotMatch(text, /process_cpu/);
  assert.match(await b.registry.metrics(), /process_cpu_user_seconds_total/);
  assert.doesNotMatch(await b.registry.metrics(), /status="200"/);
});

test('hands the plain counts to prom-client at every scrape, never counting one twice', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.tokensSigned.inc();
  assert.match(await metrics.registry.metrics(), /jwt_proxy_tokens_signed_total 1/);
  metrics.tokensSigned.inc();
  metrics.requests.add('GET', 204);
  const text = await metrics.registry.metrics();
  assert.match(text, /jwt_proxy_tokens_signed_total 2/);
  assert.match(text, /jwt_proxy_requests_total\{method="GET",status="204"\} 1/);
  const json = await metrics.registry.getMetricsAsJSON();
  assert.deepEqual(json.find((m) => m.name === 'jwt_proxy_tokens_signed_total')?.values.map((v) => v.value), [2]);
});
