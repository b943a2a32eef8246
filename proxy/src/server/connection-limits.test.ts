import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter } from './connection-limits.js';

test('admits up to each cap, refuses past it, and admits again after a release', () => {
  const limiter = new ConnectionLimiter({ maxConnections: 3, maxConnectionsPerClient: 2 });
  assert.equal(limiter.admit('10.0.0.1'), undefined);
  assert.equal(limiter.admit('10.0.0.1'), undefined);
  assert.equal(limiter.admit('10.0.0.1'), 'per_client');
  assert.equal(limiter.openFor('10.0.0.1'), 2);
  assert.equal(limiter.admit('10.0.0.2'), undefined);
  assert.equal(limiter.admit('10.0.0.3'), 'total');
  assert.equal(limiter.open, 3);
  limiter.release('10.0.0.1');
  assert.equal(limiter.admit('10.0.0.3'), undefined);
  limiter.release('10.0.0.3');
  limiter.release('10.0.0.2');
  limiter.release('10.0.0.1');
  assert.equal(limiter.open, 0);
  assert.equal(limiter.openFor('10.0.0.1'), 0);
});

test('0 means no limit', () => {
  const limiter = new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerClient: 0 });
  for (let i = 0; i < 1000; i += 1) assert.equal(limiter.admit('10.0.0.1'), undefined);
  assert.equal(limiter.open, 1000);
});
