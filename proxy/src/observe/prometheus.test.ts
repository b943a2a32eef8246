/**
 * Pins the one place observe/prometheus.ts relies on more than prom-client's typed API: the latency
 * histogram is a metric object of our own (see latencyMetric), and its text and JSON must equal a
 * real prom-client Histogram's fed the same observations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { createMetrics } from './metrics.js';
import { LatencyHistogram } from './tallies.js';

const NAME = 'jwt_proxy_upstream_latency_seconds';
const SAMPLES = [0.0004, 0.001, 0.0031, 0.2, 0.2, 7, 45];

async function realHistogram(): Promise<Registry> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: 'Time from a request entering the proxy to the upstream response headers',
    buckets: [...LatencyHistogram.BUCKETS],
    registers: [registry],
  });
  for (const value of SAMPLES) histogram.observe(value);
  return registry;
}

async function ours(): Promise<Registry> {
  const metrics = createMetrics({ defaultMetrics: false });
  for (const value of SAMPLES) metrics.upstreamLatency.observe(value);
  return metrics.registry();
}

test("the latency histogram's exposition text equals prom-client's Histogram's", async () => {
  const expected = await (await realHistogram()).getSingleMetricAsString(NAME);
  assert.equal(await (await ours()).getSingleMetricAsString(NAME), expected);
  assert.match(expected, /_bucket\{le="0.001"\} 2\n/);
});

test("the latency histogram's JSON (what the primary aggregates under WORKERS) equals prom-client's", async () => {
  const pick = async (registry: Registry) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === NAME);
    return { type: metric?.type, aggregator: metric?.aggregator, values: metric?.values.map((v) => ({ ...v, labels: { ...v.labels } })) };
  };
  const [theirs, mine] = [await pick(await realHistogram()), await pick(await ours())];
  const strip = (values: typeof theirs.values) => values?.map(({ labels, value, ...rest }) => ({ labels, value, name: (rest as { metricName?: string }).metricName }));
  assert.deepEqual({ ...mine, values: strip(mine.values) }, { ...theirs, values: strip(theirs.values) });
});

test('two workers\' histograms sum bucket by bucket in the AggregatorRegistry', async () => {
  const [a, b] = [await (await ours()).getMetricsAsJSON(), await (await ours()).getMetricsAsJSON()];
  const text = await AggregatorRegistry.aggregate([a, b]).getSingleMetricAsString(NAME);
  assert.match(text, new RegExp(`${NAME}_bucket\\{le="0.25"\\} 10\\n`));
  assert.match(text, new RegExp(`${NAME}_count 14(\\n|$)`));
});
