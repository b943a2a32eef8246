import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, setSigningKey } from './metrics.js';
import { LatencyHistogram, methodLabel } from './tallies.js';

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
  a.connectionsRefused.add('per_client');
  a.auth.add('basic', 'failure');
  a.auth.add('basic', 'failure');
  a.keyReloads.inc();
  a.keyReloadFailures.inc();
  a.keyReloadFailures.inc();
  setSigningKey(a, 'k2', 'ES256');
  const text = await (await a.registry()).metrics();
  assert.match(text, /jwt_proxy_requests_total\{method="POST",status="200"\} 2\n/);
  assert.match(text, /jwt_proxy_requests_total\{method="OTHER",status="0"\} 1\n/);
  assert.match(text, /jwt_proxy_tokens_signed_total 1\n/);
  assert.match(text, /jwt_proxy_upstream_latency_seconds_count 1\n/);
  assert.match(text, /jwt_proxy_connections_refused_total\{reason="per_client"\} 1\n/);
  assert.match(text, /jwt_proxy_auth_total\{method="basic",result="failure"\} 2\n/);
  assert.match(text, /jwt_proxy_key_reloads_total 1\n/);
  assert.match(text, /jwt_proxy_key_reload_failures_total 2\n/);
  assert.match(text, /jwt_proxy_signing_key_info\{kid="k2",alg="ES256"\} 1\n/);
  assert.doesNotMatch(text, /process_cpu/);
  const other = await (await b.registry()).metrics();
  assert.match(other, /process_cpu_user_seconds_total/);
  assert.doesNotMatch(other, /status="200"/);
  assert.match(other, /jwt_proxy_key_reloads_total 0\n/, 'a counter with no labels shows 0 before its first event');
});

test('hands the plain counts to prom-client at every scrape, never counting one twice', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const registry = await metrics.registry();
  assert.equal(await metrics.registry(), registry, 'one registry per app, built once');
  metrics.tokensSigned.inc();
  assert.match(await registry.metrics(), /jwt_proxy_tokens_signed_total 1/);
  metrics.tokensSigned.inc();
  metrics.requests.add('GET', 204);
  const text = await registry.metrics();
  assert.match(text, /jwt_proxy_tokens_signed_total 2/);
  assert.match(text, /jwt_proxy_requests_total\{method="GET",status="204"\} 1/);
  const json = await registry.getMetricsAsJSON();
  assert.deepEqual(json.find((m) => m.name === 'jwt_proxy_tokens_signed_total')?.values.map((v) => v.value), [2]);
});

test('the signing-key series follows the current key: the old one goes', async () => {
  const metrics = createMetrics({ defaultMetrics: false });
  const registry = await metrics.registry();
  assert.doesNotMatch(await registry.metrics(), /jwt_proxy_signing_key_info\{/, 'no series before a key is set');
  setSigningKey(metrics, undefined, 'HS512');
  assert.match(await registry.metrics(), /jwt_proxy_signing_key_info\{kid="",alg="HS512"\} 1\n/);
  setSigningKey(metrics, 'k1', 'RS256');
  const text = await registry.metrics();
  assert.match(text, /jwt_proxy_signing_key_info\{kid="k1",alg="RS256"\} 1\n/);
  assert.doesNotMatch(text, /alg="HS512"/);
});

test('the latency histogram puts a value in the first bucket whose bound is >= it, as Prometheus le', () => {
  const histogram = new LatencyHistogram();
  histogram.observe(0.001);
  histogram.observe(0.0011);
  histogram.observe(30);
  histogram.observe(31);
  assert.equal(histogram.counts[0], 1, '0.001 <= le 0.001');
  assert.equal(histogram.counts[1], 1, '0.0011 goes to le 0.0025');
  assert.equal(histogram.counts.at(-1), 1, '30 <= le 30');
  assert.equal(histogram.counts.reduce((a, b) => a + b, 0), 3, 'above the last bound: only +Inf');
  assert.equal(histogram.count, 4);
  assert.ok(Math.abs(histogram.sum - 61.0021) < 1e-9);
});

test('a registry load that fails is tried again at the next call, not remembered', async () => {
  let calls = 0;
  const metrics = createMetrics({ defaultMetrics: false }, async () => {
    calls += 1;
    if (calls === 1) throw new Error('Cannot find package prom-client');
    return import('./prometheus.js');
  });
  await assert.rejects(metrics.registry(), /Cannot find package prom-client/);
  metrics.tokensSigned.inc();
  const registry = await metrics.registry();
  assert.match(await registry.metrics(), /jwt_proxy_tokens_signed_total 1\n/);
  assert.equal(await metrics.registry(), registry, 'once built, the same registry every call');
  assert.equal(calls, 2);
});
