import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planFault } from './faults.js';
import { randomBytesFrom, seededRandom } from './random.js';

describe('seeded randomness (MOCK_FAULT_SEED)', () => {
  it('the same seed gives the same sequence, another seed another, all in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 100 }, () => a());
    assert.deepEqual(Array.from({ length: 100 }, () => b()), first);
    assert.notDeepEqual(Array.from({ length: 100 }, () => c()), first);
    assert.ok(first.every((x) => x >= 0 && x < 1));
  });

  it('a rate applies the fault to about that share of requests, identically for a seed', () => {
    const decide = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => planFault({ type: 'reset', rate: 0.3 }, random) !== undefined);
    };
    const run = decide(7);
    assert.deepEqual(decide(7), run, 'reproducible');
    const share = run.filter(Boolean).length / run.length;
    assert.ok(share > 0.25 && share < 0.35, `share ${share}`);
  });

  it('jitter stays within [ms, ms + jitterMs] and is reproducible', () => {
    const delays = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 200 }, () => Number(planFault({ type: 'delay', ms: 100, jitterMs: 50, rate: 1 }, random)?.ms));
    };
    const run = delays(1);
    assert.deepEqual(delays(1), run);
    assert.ok(run.every((ms) => ms >= 100 && ms <= 150));
    assert.ok(new Set(run).size > 10, 'spread out');
  });

  it('random bytes come from the generator', () => {
    assert.deepEqual(randomBytesFrom(seededRandom(5), 16), randomBytesFrom(seededRandom(5), 16));
  });
});
