import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey, verify as cryptoVerify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { checkClaims } from '../../../contracts/src/token-claims.js';
import { parseJwkSet } from '../../../contracts/src/jwk-set.js';
import type { SetKey } from '../../../contracts/src/jwk-set.js';
import { decodeSecret } from '../../../contracts/src/token-config.js';
import { loadGoldenVectors, loadProfileVectors } from '../../../contracts/testing/golden-vectors.js';
import { createSigner } from './signer.js';
import type { SigningKey } from './signer.js';

function decode(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function secretKey(secret: string, encoding: 'utf8' | 'hex'): SigningKey {
  const decoded = decodeSecret(secret, encoding);
  assert.ok('key' in decoded);
  return { alg: 'HS512', kid: undefined, key: createSecretKey(decoded.key) };
}

function fixed(key: SigningKey): { current: SigningKey } {
  return { current: key };
}

for (const vector of loadGoldenVectors()) {
  test(`signs the golden vector "${vector.name}" to the byte with jsonwebtoken`, () => {
    const sign = createSigner({
      keys: fixed(secretKey(vector.secret, vector.secretEncoding)),
      user: vector.user,
      profile: {},
      now: () => vector.nowMs,
      randomId: () => vector.jti,
    });
    const { token, jti } = sign();
    assert.equal(token, vector.expectedToken);
    assert.equal(jti, vector.jti);
    const [header, claims] = token.split('.');
    assert.deepEqual(decode(header!), { alg: 'HS512', typ: 'JWT' });
    assert.deepEqual(decode(claims!), vector.expectedClaims);
  });
}

const profileFile = loadProfileVectors();
const parsedSet = parseJwkSet(JSON.stringify(profileFile.keys), { signing: true });
assert.ok('keys' in parsedSet, 'the profile vectors key set parses');
const setKeys: readonly SetKey[] = parsedSet.keys;

function vectorKey(kid: string | null): { signing: SigningKey; verify: SetKey | undefined } {
  if (kid === null) return { signing: secretKey(profileFile.secret, profileFile.secretEncoding), verify: undefined };
  const key = setKeys.find((k) => k.kid === kid);
  assert.ok(key?.signingKey, `vector key ${kid} can sign`);
  return { signing: { alg: key.alg, kid: key.kid, key: key.signingKey }, verify: key };
}

for (const vector of profileFile.vectors) {
  test(`signs the profile vector "${vector.name}": header, claims and signing input pinned`, () => {
    const { signing, verify } = vectorKey(vector.kid);
    const sign = createSigner({ keys: fixed(signing), user: vector.user, profile: vector.profile, now: () => vector.nowMs, randomId: () => vector.jti });
    const { token } = sign();
    const cut = token.lastIndexOf('.');
    assert.equal(token.slice(0, cut), vector.expectedSigningInput);
    if (vector.expectedToken !== undefined) assert.equal(token, vector.expectedToken);
    const [header, claims] = token.split('.');
    assert.deepEqual(decode(header!), vector.expectedHeader);
    assert.equal(JSON.stringify(decode(claims!)), JSON.stringify(vector.expectedClaims));
    assert.equal(checkClaims(decode(claims!)).ok, true);
    // Randomised signatures (PS256, ES*) still verify under the public half.
    const verified = jwt.verify(token, verify?.verifyKey ?? signing.key, {
      algorithms: [signing.alg],
      clockTimestamp: Math.floor(vector.nowMs / 1000),
    });
    assert.equal(typeof verified, 'object');
  });
}

test('an ES256 signature is the raw R||S of RFC 7518 §3.4, not DER', () => {
  const { signing, verify } = vectorKey('vector-es256');
  const sign = createSigner({ keys: fixed(signing), user: 'u', profile: {}, now: () => 1_764_403_200_000, randomId: () => 'jti-0000000000000001' });
  const { token } = sign();
  const cut = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(cut + 1), 'base64url');
  assert.equal(signature.length, 64);
  assert.ok(verify);
  assert.ok(cryptoVerify('sha256', Buffer.from(token.slice(0, cut)), { key: verify.verifyKey, dsaEncoding: 'ieee-p1363' }, signature));
});

test('signs a fresh token per call with the injected clock and nonce, and returns its jti', () => {
  let n = 0;
  const sign = createSigner({
    keys: fixed({ alg: 'HS512', kid: undefined, key: createSecretKey(Buffer.alloc(64, 7)) }),
    user: 'alice',
    profile: {},
    now: () => 1_764_403_200_500,
    randomId: () => `nonce-${String(++n).padStart(16, '0')}`,
  });
  const first = sign();
  const second = sign();
  assert.notEqual(first.token, second.token);
  assert.deepEqual([first.jti, second.jti], ['nonce-0000000000000001', 'nonce-0000000000000002']);
  const claims = decode(first.token.split('.')[1]!);
  assert.deepEqual(claims, { iat: 1_764_403_200, jti: 'nonce-0000000000000001', payload: { user: 'alice', date: '2025-11-29' } });
  assert.equal(checkClaims(claims).ok, true);
});

test('moves iat, exp and the UTC date on when the clock crosses a second and a day', () => {
  let nowMs = Date.UTC(2026, 10, 29, 23, 59, 59, 100);
  let n = 0;
  const sign = createSigner({
    keys: fixed({ alg: 'HS512', kid: undefined, key: createSecretKey(Buffer.alloc(64, 3)) }),
    user: 'u',
    profile: { ttlS: 10 },
    now: () => nowMs,
    randomId: () => `jti-${String(++n).padStart(16, '0')}`,
  });
  const claimsOf = (token: string) => decode(token.split('.')[1]!) as { iat: number; exp: number; jti: string; payload: { date: string } };
  const a = claimsOf(sign().token);
  nowMs += 500;
  const b = claimsOf(sign().token);
  nowMs += 500;
  const c = claimsOf(sign().token);
  assert.deepEqual([a.iat, a.exp, a.payload.date, a.jti], [1_795_996_799, 1_795_996_809, '2026-11-29', 'jti-0000000000000001']);
  assert.deepEqual([b.iat, b.exp, b.payload.date, b.jti], [1_795_996_799, 1_795_996_809, '2026-11-29', 'jti-0000000000000002']);
  assert.deepEqual([c.iat, c.exp, c.payload.date, c.jti], [1_795_996_800, 1_795_996_810, '2026-11-30', 'jti-0000000000000003']);
  assert.deepEqual(Object.keys(b), ['iat', 'jti', 'payload', 'exp']);
});

test('signs with whatever key the source holds now: a swapped key takes effect on the next token', () => {
  const a = vectorKey('vector-hs512').signing;
  const b = vectorKey('vector-rs256').signing;
  const source = { current: a };
  const sign = createSigner({ keys: source, user: 'u', profile: {}, now: () => 1_764_403_200_000, randomId: () => 'jti-0000000000000001' });
  const headerOf = (token: string) => decode(token.split('.')[0]!);
  assert.deepEqual(headerOf(sign().token), { alg: 'HS512', typ: 'JWT', kid: 'vector-hs512' });
  source.current = b;
  assert.deepEqual(headerOf(sign().token), { alg: 'RS256', typ: 'JWT', kid: 'vector-rs256' });
  source.current = a;
  assert.deepEqual(headerOf(sign().token), { alg: 'HS512', typ: 'JWT', kid: 'vector-hs512' });
});
