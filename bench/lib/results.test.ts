import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readmeBlock, replaceBlock, resultsMarkdown, type BenchResults } from './results.js';
import type { Summary } from './report.js';

const summary: Summary = {
  id: 'ours-post',
  label: 'jwt-proxy, POST signed',
  role: 'ours',
  method: 'POST',
  pinning: 'proxy core 1',
  token: 'signed',
  rps: 2600,
  rpsRuns: [2600],
  spread: 0,
  p50Ms: 20,
  p99Ms: 40,
  p999Ms: 50,
  errors: 0,
  badStatus: 0,
  peakRssMb: 90,
  cpuPercent: 99,
  cpuUsPerRequest: 380,
  cpuVsReference: 1.1,
  foreignCpuPercent: 1,
  vsDirect: null,
  vsReference: 0.9,
  p99VsReference: 1.1,
  vsReferencePaired: 0.9,
  vsObviousPaired: 1.02,
  p99VsObviousPaired: 1.1,
  vsFastifyPaired: 0.8,
  p99VsReferencePaired: 1.1,
};

const results: BenchResults = {
  machine: { date: '2026-12-01T23:00:00.000Z', cpuModel: 'CPU', cores: 2, memoryGb: 4, os: 'Linux', node: 'v24.0.0', wrk: 'wrk 4.1.0', autocannon: '9.0.0', nginx: undefined, taskset: true, commit: 'abc1234' },
  quick: false,
  setup: ['one line of setup'],
  summary: [summary],
  targets: [{ id: 'signed-post-throughput', target: 'signed POST', measured: '90.0%', verdict: 'PASS' }],
  leaks: { ours: undefined, obvious: undefined },
  workers: [{ setting: '1', processes: 1, rps: 2000, vsOneWorker: 1, peakRssMb: 90, cpuPercent: 100 }],
  crossCheck: [{ method: 'POST', wrkRatio: 0.9, autocannonRatio: 0.95, autocannonOursRps: 2000, autocannonReferenceRps: 2100 }],
  notes: [],
  runs: [],
  options: {},
};

test('replaceBlock replaces only what stands between its markers', () => {
  const text = 'before\n<!-- bench:readme:begin -->\nold\n<!-- bench:readme:end -->\nafter\n';
  assert.equal(replaceBlock(text, 'readme', 'new'), 'before\n<!-- bench:readme:begin -->\nnew\n<!-- bench:readme:end -->\nafter\n');
  assert.equal(replaceBlock(replaceBlock(text, 'readme', 'new'), 'readme', 'new'), replaceBlock(text, 'readme', 'new'));
});

test('replaceBlock throws given a file without the markers, so a rerun never silently skips it', () => {
  assert.throws(() => replaceBlock('no markers', 'readme', 'x'), /markers <!-- bench:readme:begin -->/);
  assert.throws(() => replaceBlock('<!-- bench:readme:end --> <!-- bench:readme:begin -->', 'readme', 'x'), /not found in order/);
});

test('readmeBlock shows the run, the main columns of each row and the verdicts', () => {
  assert.equal(
    readmeBlock(results),
    [
      'Run 2026-12-01T23:00:00.000Z on CPU, 2 cores, 4 GB, Linux; Node v24.0.0; wrk 4.1.0; autocannon 9.0.0. Commit abc1234.',
      '',
      '| Configuration | req/s (median) | vs obvious build | vs fastify peer | vs reference | p50 ms | p99 ms | peak RSS MB | CPU µs/req |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| jwt-proxy, POST signed | 2600 | 102.0% | 80.0% | 90.0% | 20.00 | 40.00 | 90.0 | 380 |',
      '',
      '| Verdict | Target | Measured |',
      '| --- | --- | --- |',
      '| PASS | signed POST | 90.0% |',
    ].join('\n'),
  );
});

test('resultsMarkdown carries the WORKERS report and the autocannon cross-check', () => {
  const md = resultsMarkdown(results);
  assert.match(md, /## WORKERS \(a report, not a target\)\n\n\| WORKERS \| processes .*\n.*\n\| 1 \| 1 \| 2000 \| 1\.00x \| 90\.0 \| 100 \|/);
  assert.match(md, /## Cross-check with autocannon\n\n.*\n.*\n\| POST \| 90\.0% \| 95\.0% \| 2000, 2100 \|/);
});
