import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadResult } from './load-spec.js';
import { checkTargets, summarise, TARGETS, type ConfigResult, type LeakCheck, type LeakChecks, type Method, type Role } from './report.js';

const run = (rps: number, p99Ms: number): LoadResult => ({
  generator: 'wrk',
  rps,
  p50Ms: p99Ms / 2,
  p99Ms,
  p999Ms: p99Ms,
  maxMs: p99Ms,
  requests: rps * 6,
  warmupRequests: 0,
  errors: 0,
  timeouts: 0,
  badStatus: 0,
  durationS: 6,
});

function config(id: string, role: Role, method: Method, runs: LoadResult[], peakRssMb = 80): ConfigResult {
  return {
    id,
    label: id,
    role,
    method,
    pinning: 'core 1',
    token: 'signed',
    runs,
    samplings: runs.map(() => ({ peakRssMb, cpuPercent: 100, cpuSeconds: 6 })),
    foreignCpu: runs.map(() => 0),
  };
}

const leakOf = (growth: number, scaledDown = false): LeakCheck => ({
  smallRequests: 20_000,
  largeRequests: 200_000,
  rssAfterSmallMb: 80,
  rssAfterLargeMb: 80 * (1 + growth),
  peakRssMb: 85,
  growth,
  errors: 0,
  badStatus: 0,
  scaledDown,
});

/** Our leak check; the obvious build's too when `obvious` is given. */
const leak = (growth: number, scaledDown = false, obvious?: Partial<LeakCheck>): LeakChecks => ({
  ours: leakOf(growth, scaledDown),
  obvious: obvious ? { ...leakOf(0), ...obvious } : undefined,
});

/** Three rounds; the machine drifts between rounds, jwt-proxy keeps a fixed share of the obvious build. */
function rows(postShare: number, getShare: number, p99Factor: number, peakRssMb = 80, infoShare = postShare) {
  const obvious = [3000, 2000, 2500];
  return summarise([
    config('ours-post', 'ours', 'POST', obvious.map((r) => run(r * postShare, 10 * p99Factor)), peakRssMb),
    config('obvious-post', 'obvious', 'POST', obvious.map((r) => run(r, 10)), 100),
    config('ref-post', 'reference', 'POST', obvious.map((r) => run(r * 1.6, 8))),
    config('fastify-post', 'fastify', 'POST', obvious.map((r) => run(r * 1.25, 9))),
    config('ours-post-info', 'ours-info', 'POST', obvious.map((r) => run(r * infoShare, 10)), peakRssMb),
    config('ours-get', 'ours', 'GET', obvious.map((r) => run(r * getShare, 8 * p99Factor)), peakRssMb),
    config('obvious-get', 'obvious', 'GET', obvious.map((r) => run(r, 8)), 100),
  ]);
}

const verdicts = (checks: ReturnType<typeof checkTargets>) => Object.fromEntries(checks.map((c) => [c.id, c.verdict]));

test('summarise pairs each round with the reference, the obvious build and the fastify peer of the same round', () => {
  const post = rows(0.9, 0.9, 1).find((r) => r.id === 'ours-post');
  assert.ok(Math.abs((post?.vsObviousPaired ?? 0) - 0.9) < 1e-9);
  assert.ok(Math.abs((post?.vsReferencePaired ?? 0) - 0.9 / 1.6) < 1e-9);
  assert.ok(Math.abs((post?.vsFastifyPaired ?? 0) - 0.9 / 1.25) < 1e-9);
  assert.ok(Math.abs((post?.p99VsObviousPaired ?? 0) - 1) < 1e-9);
  assert.equal(rows(1, 1, 1).find((r) => r.id === 'ours-get')?.vsFastifyPaired, null);
});

test('checkTargets passes every target at the issue #22 limits', () => {
  const checks = checkTargets(rows(TARGETS.minThroughput, TARGETS.minThroughput, TARGETS.maxP99, 100, TARGETS.minThroughputDefaultConfig), leak(TARGETS.maxRssGrowth));
  assert.deepEqual(verdicts(checks), {
    'signed-post-throughput': 'PASS',
    'unsigned-get-throughput': 'PASS',
    'default-config-post-throughput': 'PASS',
    'signed-post-p99': 'PASS',
    'unsigned-get-p99': 'PASS',
    'peak-rss': 'PASS',
    'rss-growth': 'PASS',
  });
});

test('checkTargets fails each target just past its limit', () => {
  const checks = checkTargets(rows(0.99, 0.99, 1.31, 100.5, 0.89), leak(0.051));
  assert.deepEqual(Object.values(verdicts(checks)), ['FAIL', 'FAIL', 'FAIL', 'FAIL', 'FAIL', 'FAIL', 'FAIL']);
  assert.equal(checks.find((c) => c.id === 'signed-post-throughput')?.target, "signed POST req/s >= 1.00x the obvious build's");
  assert.equal(checks.find((c) => c.id === 'peak-rss')?.measured, '100.5 MB vs 100.0 MB');
});

test('checkTargets takes the leak check peak into the RSS target', () => {
  const checks = checkTargets(rows(1, 1, 1, 60), { ours: { ...leakOf(0), peakRssMb: 101 }, obvious: undefined });
  assert.equal(verdicts(checks)['peak-rss'], 'FAIL');
});

test("checkTargets weighs each side's peak over the same workloads: the obvious build's leak check counts too", () => {
  const ours = { ...leakOf(0), peakRssMb: 101 };
  const fair = checkTargets(rows(1, 1, 1, 60), { ours, obvious: { ...leakOf(0), peakRssMb: 102 } });
  assert.equal(verdicts(fair)['peak-rss'], 'PASS');
  assert.equal(fair.find((c) => c.id === 'peak-rss')?.measured, '101.0 MB vs 102.0 MB');
});

test("checkTargets judges RSS growth on jwt-proxy's and shows the obvious build's beside it", () => {
  const check = checkTargets(rows(1, 1, 1), leak(0.01, false, { rssAfterSmallMb: 100, rssAfterLargeMb: 110, growth: 0.1 })).find((c) => c.id === 'rss-growth');
  assert.equal(check?.verdict, 'PASS');
  assert.equal(check?.measured, '80.0 -> 80.8 MB (+1.0%); the obvious build: 100.0 -> 110.0 MB (+10.0%)');
});

test('checkTargets does not count RSS that shrinks as growth', () => {
  assert.equal(verdicts(checkTargets(rows(1, 1, 1), leak(-0.2)))['rss-growth'], 'PASS');
});

test('checkTargets gives no verdict on a scaled-down leak check and skips targets whose rows did not run', () => {
  const checks = checkTargets(rows(1, 1, 1).filter((r) => r.method === 'POST'), leak(0.3, true));
  assert.equal(verdicts(checks)['rss-growth'], 'INFO');
  assert.equal(verdicts(checks)['unsigned-get-throughput'], 'SKIP');
  assert.equal(verdicts(checks)['unsigned-get-p99'], 'SKIP');
  assert.equal(verdicts(checkTargets([]))['rss-growth'], 'SKIP');
  assert.equal(verdicts(checkTargets([]))['peak-rss'], 'SKIP');
});
