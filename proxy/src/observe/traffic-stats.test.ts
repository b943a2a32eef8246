import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LATENCY_BUCKETS,
  TrafficStats,
  WINDOW_SECONDS,
  bucketUpperMs,
  latencyBucket,
  percentileMs,
} from './traffic-stats.js';

const START = Date.UTC(2026, 0, 1); // an exact second

function clock(): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let now = START;
  return { now: () => now, advance: (ms) => (now += ms), set: (ms) => (now = ms) };
}

test('latencyBucket puts a latency in the first bucket whose upper bound holds it', () => {
  assert.equal(latencyBucket(0), 0);
  assert.equal(latencyBucket(-5), 0);
  assert.equal(latencyBucket(Number.NaN), 0);
  assert.equal(latencyBucket(0.1), 0);
  for (const ms of [0.15, 0.3, 1, 7.3, 42, 999, 12_345]) {
    const bucket = latencyBucket(ms);
    assert.ok(bucketUpperMs(bucket) >= ms, `${ms} ms <= upper bound of bucket ${bucket}`);
    assert.ok(bucketUpperMs(bucket - 1) < ms, `${ms} ms > upper bound of bucket ${bucket - 1}`);
    // The reported value is never more than a quarter-doubling (19%) above the truth.
    assert.ok(bucketUpperMs(bucket) / ms <= 2 ** 0.25 + 1e-9);
  }
  assert.equal(latencyBucket(10 * 60_000), LATENCY_BUCKETS - 1, 'anything slower lands in the last bucket');
});

test('percentileMs takes the nearest rank: p50 of 1..100 is the 50th sample, p99 the 99th', () => {
  const histogram = new Uint32Array(LATENCY_BUCKETS);
  for (let ms = 1; ms <= 100; ms += 1) histogram[latencyBucket(ms)] = (histogram[latencyBucket(ms)] ?? 0) + 1;
  const p50 = percentileMs(histogram, 0, 100, 0.5);
  const p99 = percentileMs(histogram, 0, 100, 0.99);
  assert.equal(p50, Math.round(bucketUpperMs(latencyBucket(50)) * 1000) / 1000);
  assert.equal(p99, Math.round(bucketUpperMs(latencyBucket(99)) * 1000) / 1000);
  assert.ok(p50 !== null && p50 >= 50 && p50 < 60);
  assert.ok(p99 !== null && p99 >= 99 && p99 < 118);
  assert.equal(percentileMs(histogram, 0, 0, 0.5), null, 'no samples, no percentile');
  // One slow outlier among 99 fast ones moves p99 only when it is past the 99th rank.
  const skewed = new Uint32Array(LATENCY_BUCKETS);
  skewed[latencyBucket(2)] = 99;
  skewed[latencyBucket(5000)] = 1;
  assert.equal(percentileMs(skewed, 0, 100, 0.99), Math.round(bucketUpperMs(latencyBucket(2)) * 1000) / 1000);
  assert.equal(percentileMs(skewed, 0, 100, 1), Math.round(bucketUpperMs(latencyBucket(5000)) * 1000) / 1000);
});

test('counts requests per second, their status classes and upstream latency, on an injected clock', () => {
  const c = clock();
  const stats = new TrafficStats(c.now);
  stats.record(200, 3);
  stats.record(201, 5);
  stats.record(502, -1); // no upstream answer: counted, no latency sample
  c.advance(1000);
  stats.record(404, 1);
  stats.record(0, -1); // the client went away
  c.advance(2500);
  const series = stats.series();
  assert.equal(series.windowSeconds, WINDOW_SECONDS);
  assert.deepEqual(series.t, [0, 1, 2, 3].map((s) => START / 1000 + s));
  assert.deepEqual(series.requests, [3, 2, 0, 0]);
  assert.deepEqual(series.statusMix, { '1xx': 0, '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 1, aborted: 1 });
  assert.equal(series.latency.samples, 3);
  assert.deepEqual(series.p50Ms.slice(2), [null, null]);
  assert.equal(series.p50Ms[1], Math.round(bucketUpperMs(latencyBucket(1)) * 1000) / 1000);
  assert.equal(series.latency.p50Ms, Math.round(bucketUpperMs(latencyBucket(3)) * 1000) / 1000);
  assert.equal(series.latency.p99Ms, Math.round(bucketUpperMs(latencyBucket(5)) * 1000) / 1000);
});

test('keeps only the last WINDOW_SECONDS: older seconds are cleared as the head passes them', () => {
  const c = clock();
  const stats = new TrafficStats(c.now);
  stats.record(200, 10);
  c.advance(10_000);
  stats.record(200, 10);
  stats.record(500, 20);
  c.advance((WINDOW_SECONDS - 5) * 1000); // the first second has left the window, the second not
  const series = stats.series();
  assert.equal(series.t.length, WINDOW_SECONDS);
  // now = second 305: the window is seconds 6..305, so second 0 is gone and second 10 is kept.
  assert.equal(series.t[0], START / 1000 + 6);
  assert.equal(series.requests.reduce((a, b) => a + b, 0), 2);
  assert.deepEqual(series.statusMix, { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1, aborted: 0 });
  // A jump longer than the window clears everything, once per slot, not once per second skipped.
  c.advance(10 * WINDOW_SECONDS * 1000);
  stats.record(200, 1);
  const later = stats.series();
  assert.equal(later.requests.reduce((a, b) => a + b, 0), 1);
  assert.equal(later.latency.samples, 1);
});

test('a clock stepped back counts into the newest second instead of rewriting the past', () => {
  const c = clock();
  const stats = new TrafficStats(c.now);
  c.advance(5000);
  stats.record(200, 1);
  c.set(START + 1000);
  stats.record(200, 1);
  const series = stats.series();
  assert.equal(series.t.at(-1), START / 1000 + 5);
  assert.equal(series.requests.at(-1), 2);
});

test('the series starts at start-up, not WINDOW_SECONDS of zeros before it', () => {
  const c = clock();
  const stats = new TrafficStats(c.now);
  assert.deepEqual(stats.series().t, [START / 1000]);
  assert.deepEqual(stats.series().latency, { p50Ms: null, p99Ms: null, samples: 0 });
});
