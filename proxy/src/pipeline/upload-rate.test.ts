import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uploadDeadline } from './upload-rate.js';

test('a body gets the grace period, then one more second per MIN_BODY_RATE_BPS bytes received', () => {
  const rate = { minBodyRateBps: 1000, bodyGraceMs: 10_000 };
  assert.equal(uploadDeadline(5_000, 0, rate), 15_000);
  assert.equal(uploadDeadline(5_000, 1000, rate), 16_000);
  assert.equal(uploadDeadline(5_000, 2500, rate), 17_500);
});

test('MIN_BODY_RATE_BPS=0 sets no deadline', () => {
  assert.equal(uploadDeadline(0, 0, { minBodyRateBps: 0, bodyGraceMs: 1 }), Number.POSITIVE_INFINITY);
});
