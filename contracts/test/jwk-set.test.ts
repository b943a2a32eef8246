import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { PRIVATE_JWK_MEMBERS, parseJwkSet } from '../src/jwk-set.js';
import type { JwkSetParse } from '../src/jwk-set.js';
import { loadProfileVectors } from '../testing/golden-vectors.js';

const vectorKeys = loadProfileVectors().keys.keys;
const byKid = (kid: string): Record<string, unknown> => {
  const jwk = vectorKeys.find((k) => k.kid === kid);
  assert.ok(jwk);
  return { ...jwk };
};
const oct = (bytes: number, kid: string, alg: string): Record<string, unknown> => ({ kty: 'oct', kid, alg, k: randomBytes(bytes).toString('base64url') });
const set = (...keys: unknown[]): string => JSON.stringify({ keys });
const problemsOf = (parsed: JwkSetParse): readonly string[] => ('problems' in parsed ? parsed.problems : []);
const withoutPrivate = (jwk: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_JWK_MEMBERS.includes(name)));

test('parses every supported algorithm, KeyObjects made once, in file order', () => {
  const parsed = parseJwkSet(JSON.stringify(loadProfileVectors().keys), { signing: true });
  assert.ok('keys' in parsed);
  assert.deepEqual(parsed.keys.map((k) => `${k.kid}:${k.alg}:${k.kty}`), [
    'vector-hs512:HS512:oct', 'vector-hs384:HS384:oct', 'vector-hs256:HS256:oct', 'vector-rs256:RS256:RSA',
    'vector-ps256:PS256:RSA', 'vector-es256:ES256:EC', 'vector-es384:ES384:EC',
  ]);
  for (const key of parsed.keys) {
    assert.equal(key.signingKey?.type, key.kty === 'oct' ? 'secret' : 'private');
    assert.equal(key.verifyKey.type, key.kty === 'oct' ? 'secret' : 'public');
  }
});

test('the public half of an asymmetric key has no private member, and an HMAC key has none at all', () => {
  const parsed = parseJwkSet(JSON.stringify(loadProfileVectors().keys), { signing: true });
  assert.ok('keys' in parsed);
  for (const key of parsed.keys) {
    if (key.kty === 'oct') {
      assert.equal(key.publicJwk, undefined);
      continue;
    }
    assert.ok(key.publicJwk);
    for (const member of PRIVATE_JWK_MEMBERS) assert.equal(member in key.publicJwk, false, `${key.kid} ${member}`);
    assert.deepEqual([key.publicJwk.kid, key.publicJwk.alg, key.publicJwk.use], [key.kid, key.alg, 'sig']);
  }
});

const CASES: ReadonlyArray<[string, string, RegExp]> = [
  ['a short HMAC key', set(oct(31, 'h1', 'HS256')), /^keys\[0\] \(kid "h1"\): the HMAC key is too short for HS256: 31 bytes, at least 32 needed \(RFC 7518 §3\.2\)$/],
  ['an HS512 key of 48 bytes', set(oct(48, 'h5', 'HS512')), /keys\[0\] \(kid "h5"\): the HMAC key is too short for HS512: 48 bytes, at least 64/],
  ['an unknown alg', set({ ...oct(64, 'x', 'HS512'), alg: 'RS512' }), /keys\[0\] \(kid "x"\): alg "RS512" is not supported; it must be one of HS256, HS384, HS512, RS256, PS256, ES256, ES384/],
  ['alg none', set({ ...oct(64, 'n', 'HS512'), alg: 'none' }), /keys\[0\] \(kid "n"\): alg "none" is not supported/],
  ['a missing alg', set({ kty: 'oct', kid: 'm', k: randomBytes(64).toString('base64url') }), /keys\[0\] \(kid "m"\): alg is missing; it must be one of/],
  ['a missing kid', set({ kty: 'oct', alg: 'HS512', k: randomBytes(64).toString('base64url') }), /^keys\[0\]: must have a non-empty string "kid"$/],
  ['a kty that does not fit the alg', set({ ...byKid('vector-es256'), alg: 'RS256' }), /keys\[0\] \(kid "vector-es256"\): alg RS256 needs kty "RSA", got "EC"/],
  ['an EC key on the wrong curve', set({ ...byKid('vector-es384'), alg: 'ES256' }), /keys\[0\] \(kid "vector-es384"\): alg ES256 needs crv "P-256", got "P-384"/],
  ['a signing key without its private part', set(withoutPrivate(byKid('vector-rs256'))), /keys\[0\] \(kid "vector-rs256"\): the first key signs, so it needs its private part \("d"\); a private key is missing/],
  ['a duplicate kid', set(oct(64, 'same', 'HS512'), oct(64, 'same', 'HS512')), /keys\[1\] \(kid "same"\): kid is used by an earlier key/],
  ['use "enc"', set({ ...oct(64, 'e', 'HS512'), use: 'enc' }), /keys\[0\] \(kid "e"\): use must be "sig"/],
  ['an oct key without k', set({ kty: 'oct', kid: 'k', alg: 'HS256' }), /keys\[0\] \(kid "k"\): an oct key needs "k"/],
  ['a broken RSA key', set({ ...byKid('vector-rs256'), n: 'AQAB', d: 'AQAB' }), /keys\[0\] \(kid "vector-rs256"\): (is not a valid RSA key|the RSA key is too weak)/],
  ['a key that is not an object', set('oops'), /^keys\[0\]: must be a JSON object \(a JWK\)$/],
  ['text that is not JSON', '{"keys": [', /^is not JSON/],
  ['JSON without keys', '{"key": []}', /must be a JWK Set: a JSON object with a "keys" array \(RFC 7517 §5\)/],
  ['an empty set', '{"keys": []}', /must hold at least one key/],
];

for (const [what, text, expected] of CASES) {
  test(`refuses ${what}, naming the key by index and kid`, () => {
    const problems = problemsOf(parseJwkSet(text, { signing: true }));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, expected);
  });
}

test('refuses an RSA key under 2048 bits', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
  const problems = problemsOf(parseJwkSet(set({ ...weak, kid: 'weak', alg: 'PS256' }), { signing: true }));
  assert.deepEqual(problems, ['keys[0] (kid "weak"): the RSA key is too weak: 1024 bits, at least 2048 needed for PS256 (RFC 7518 §3.3)']);
});

test('collects every bad key at once and never echoes key material', () => {
  const short = oct(16, 'a', 'HS256');
  const problems = problemsOf(parseJwkSet(set(short, { ...oct(64, 'b', 'HS512'), alg: 'XX' }), { signing: true }));
  assert.equal(problems.length, 2);
  assert.ok(problems.every((p) => !p.includes(String(short.k))));
});

test('keys after the first may be public-only (published for verifiers), and a verifier set needs no private part at all', () => {
  const signer = parseJwkSet(set(oct(64, 'new', 'HS512'), withoutPrivate(byKid('vector-es256'))), { signing: true });
  assert.ok('keys' in signer);
  assert.equal(signer.keys[1]?.signingKey, undefined);
  const verifier = parseJwkSet(set(withoutPrivate(byKid('vector-rs256'))), { signing: false });
  assert.ok('keys' in verifier);
});
