import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarisePairedRounds } from './paired-rounds.js';

test('a build is judged by the median of its per-round ratios, not by the ratio of medians', () => {
  // The machine halves its speed in round 2: the ratio stays 0.5 in every round.
  const [reference, build] = summarisePairedRounds([
    [4000, 2000],
    [2000, 1000],
    [3000, 1500],
  ]);
  assert.deepEqual(reference, { medianRps: 3000, medianRatio: 1, minRatio: 1, maxRatio: 1, rounds: 3 });
  assert.deepEqual(build, { medianRps: 1500, medianRatio: 0.5, minRatio: 0.5, maxRatio: 0.5, rounds: 3 });
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
