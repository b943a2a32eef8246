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
    const token = sign();
    assert.equal(token, vector.expectedToken);
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
  assert.notEqual(first, second);
  const claims = decode(first.split('.')[1]!);
  assert.deepEqual(claims, {
    iat: 1_764_403_200,
    jti: 'nonce-0000000000000001',
    payload: { user: 'alice', date: '2025-11-29' },
  });
  assert.equal(checkClaims(claims).ok, true);
});
