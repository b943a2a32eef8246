import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims } from '../src/token-claims.js';
import { buildClaims, utcDateOf } from '../src/token-contract.js';

test('buildClaims floors the arrival time to whole seconds and dates it in UTC', () => {
  assert.deepEqual(buildClaims(1_709_164_799_999, 'n'.repeat(16), 'alice'), {
    iat: 1_709_164_799,
    jti: 'n'.repeat(16),
    payload: { user: 'alice', date: '2024-02-28' },
  });
  assert.equal(utcDateOf(1_709_164_800), '2024-02-29');
});

test('checkClaims accepts claims built by the contract', () => {
  const claims = buildClaims(1_000_000_000_000, 'abcdefghijklmnop', 'u');
  assert.deepEqual(checkClaims(claims), { ok: true, claims });
});

test('checkClaims names the path and reason of each violation', () => {
  const result = checkClaims({ iat: 1.5, jti: 'short', payload: { user: '', date: '2024-1-1' } });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.deepEqual(
    result.violations.map((v) => v.path).sort(),
    ['iat', 'jti', 'payload.date', 'payload.user'],
  );
});

test('checkClaims refuses a date that is not the UTC date of iat', () => {
  const result = checkClaims({ iat: 86_400, jti: 'abcdefghijklmnop', payload: { user: 'u', date: '1970-01-01' } });
  assert.deepEqual(result, {
    ok: false,
    violations: [{ path: 'payload.date', reason: 'must be the UTC date of iat (1970-01-02)' }],
  });
});
