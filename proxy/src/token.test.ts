import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims } from '../../contracts/src/index.js';
import { decodeSecret } from '../../contracts/src/token-config.js';
import { loadGoldenVectors } from '../../contracts/src/golden-vectors.js';
import { createSigner } from './token.js';

function decode(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

for (const vector of loadGoldenVectors()) {
  test(`signs the golden vector "${vector.name}" to the byte`, () => {
    const decoded = decodeSecret(vector.secret, vector.secretEncoding);
    assert.ok('key' in decoded);
    const sign = createSigner({ key: decoded.key, user: vector.user, now: () => vector.nowMs, randomId: () => vector.jti });
    const { token, jti } = sign();
    assert.equal(token, vector.expectedToken);
    assert.equal(jti, vector.jti);
    const [header, claims] = token.split('.');
    assert.deepEqual(decode(header!), { alg: 'HS512', typ: 'JWT' });
    assert.deepEqual(decode(claims!), vector.expectedClaims);
  });
}

test('signs a fresh token per call with the injected clock and nonce', () => {
  let n = 0;
  const sign = createSigner({
    key: Buffer.alloc(64, 7),
    user: 'alice',
    now: () => 1_764_403_200_500,
    randomId: () => `nonce-${String(++n).padStart(16, '0')}`,
  });
  const first = sign();
  const second = sign();
  assert.notEqual(first.token, second.token);
  assert.deepEqual([first.jti, second.jti], ['nonce-0000000000000001', 'nonce-0000000000000002']);
  const claims = decode(first.token.split('.')[1]!);
  assert.deepEqual(claims, {
    iat: 1_764_403_200,
    jti: 'nonce-0000000000000001',
    payload: { user: 'alice', date: '2025-11-29' },
  });
  assert.equal(checkClaims(claims).ok, true);
});

test('moves iat and the UTC date on when the clock crosses a second and a day', () => {
  let nowMs = Date.UTC(2026, 10, 29, 23, 59, 59, 100);
  let n = 0;
  const sign = createSigner({ key: Buffer.alloc(64, 3), user: 'u', now: () => nowMs, randomId: () => `jti-${String(++n).padStart(16, '0')}` });
  const claimsOf = ({ token }: { token: string }) => decode(token.split('.')[1]!) as { iat: number; jti: string; payload: { date: string } };
  const a = claimsOf(sign());
  nowMs += 500;
  const b = claimsOf(sign());
  nowMs += 500;
  const c = claimsOf(sign());
  assert.deepEqual([a.iat, a.payload.date, a.jti], [1_795_996_799, '2026-11-29', 'jti-0000000000000001']);
  assert.deepEqual([b.iat, b.payload.date, b.jti], [1_795_996_799, '2026-11-29', 'jti-0000000000000002']);
  assert.deepEqual([c.iat, c.payload.date, c.jti], [1_795_996_800, '2026-11-30', 'jti-0000000000000003']);
  assert.deepEqual(Object.keys(b), ['iat', 'jti', 'payload']);
});
