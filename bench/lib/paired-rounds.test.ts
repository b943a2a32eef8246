import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarisePairedRounds } from './paired-rounds.js';

test('a build is judged by the median of its per-round ratios, not by the ratio of medians', () => {
  // The machine's speed changes from round to round; the ratio of medians would say 1000/2000 = 0.5.
  const [reference, build] = summarisePairedRounds([
    [4000, 3600],
    [2000, 1000],
    [1000, 800],
  ]);
  assert.deepEqual(reference, { medianRps: 2000, medianRatio: 1, minRatio: 1, maxRatio: 1, rounds: 3 });
  assert.deepEqual(build, { medianRps: 1000, medianRatio: 0.8, minRatio: 0.5, maxRatio: 0.9, rounds: 3 });
});

test('the spread and the median come from the rounds that count', () => {
  const [, build] = summarisePairedRounds([
    [1000, 900],
    [1000, 600],
    [1000, 0], // the build answered nothing: no ratio
    [0, 700], // the reference answered nothing: no ratio
    [1000, 700],
  ]);
  assert.equal(build?.rounds, 3);
  assert.equal(build?.medianRatio, 0.7);
  assert.equal(build?.minRatio, 0.6);
  assert.equal(build?.maxRatio, 0.9);
});

test('no rounds, no figures', () => {
  assert.deepEqual(summarisePairedRounds([]), []);
  const [only] = summarisePairedRounds([[0]]);
  assert.equal(only?.rounds, 0);
  assert.ok(Number.isNaN(only?.medianRatio));
  assert.ok(Number.isNaN(only?.minRatio));
});
