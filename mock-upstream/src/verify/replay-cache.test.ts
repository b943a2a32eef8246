import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayCache } from './replay-cache.js';

describe('ReplayCache', () => {
  it('reports a jti seen again within the window', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    assert.equal(cache.checkAndRemember('a', 0), false);
    assert.equal(cache.checkAndRemember('a', 999), true);
  });

  it('forgets a jti once the window has passed, and remembers it afresh', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    assert.equal(cache.checkAndRemember('a', 0), false);
    assert.equal(cache.checkAndRemember('a', 1000), false);
    assert.equal(cache.checkAndRemember('a', 1999), true);
  });

  it('sweeps expired entries lazily, oldest first, without a timer', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    cache.checkAndRemember('a', 0);
    cache.checkAndRemember('b', 500);
    cache.checkAndRemember('c', 900);
    assert.equal(cache.size, 3);
    cache.checkAndRemember('d', 1600);
    assert.equal(cache.size, 2, 'a and b expired');
    assert.equal(cache.checkAndRemember('c', 1601), true);
  });

  it('evicts the oldest entries past its hard cap', () => {
    const cache = new ReplayCache({ ttlMs: 60_000, maxEntries: 2 });
    cache.checkAndRemember('a', 0);
    cache.checkAndRemember('b', 1);
    cache.checkAndRemember('c', 2);
    assert.equal(cache.size, 2);
    assert.equal(cache.checkAndRemember('c', 3), true);
    assert.equal(cache.checkAndRemember('b', 3), true);
    assert.equal(cache.checkAndRemember('a', 3), false, 'a was evicted');
  });

  it('keeps working when the clock steps backwards', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    cache.checkAndRemember('a', 10_000);
    assert.equal(cache.checkAndRemember('b', 5_000), false);
    assert.equal(cache.checkAndRemember('a', 5_000), true);
  });

  it('seeds a jti seen at a given time (a journal loaded at start)', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    cache.remember('a', 0);
    assert.equal(cache.checkAndRemember('a', 500), true);
    assert.equal(cache.checkAndRemember('a', 1000), false);
  });

  it('uses a cap of at least one entry', () => {
    const cache = new ReplayCache({ ttlMs: 1000, maxEntries: 0 });
    cache.checkAndRemember('a', 0);
    assert.equal(cache.checkAndRemember('a', 1), true);
  });
});
