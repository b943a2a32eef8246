import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
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

// Issue #21 item 8: weak RSA exponents and HMAC keys made of a public key of the same set.
test('refuses an RSA public exponent other than 65537, public-only or with its private part', () => {
  const rsa = byKid('vector-rs256');
  const exponentOne = set(oct(64, 'h', 'HS512'), { ...withoutPrivate(rsa), e: 'AQ' });
  assert.deepEqual(problemsOf(parseJwkSet(exponentOne, { signing: true })), [
    'keys[1] (kid "vector-rs256"): the RSA public exponent must be 65537 ("e": "AQAB"), got 1; e = 1 or a small e lets anyone forge signatures',
  ]);
  const three = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).privateKey.export({ format: 'jwk' });
  assert.match(problemsOf(parseJwkSet(set({ ...three, kid: 'e3', alg: 'RS256' }), { signing: true }))[0] ?? '', /^keys\[0\] \(kid "e3"\): the RSA public exponent must be 65537 .*got 3;/);
  const big = { ...withoutPrivate(rsa), e: Buffer.from('0100000001', 'hex').toString('base64url') };
  assert.match(problemsOf(parseJwkSet(set(big), { signing: false }))[0] ?? '', /got a larger value;/);
});

/** The forms a verifier may hold a public key in, each as the bytes of an oct key. */
function publicForms(jwk: Record<string, unknown>): ReadonlyArray<[string, Buffer]> {
  const key = createPublicKey({ key: withoutPrivate(jwk) as JsonWebKey, format: 'jwk' });
  const forms: Array<[string, Buffer]> = [
    ['SPKI PEM', Buffer.from(key.export({ format: 'pem', type: 'spki' }))],
    ['SPKI PEM without its last newline', Buffer.from(String(key.export({ format: 'pem', type: 'spki' })).trimEnd())],
    ['SPKI DER', key.export({ format: 'der', type: 'spki' })],
    ['JWK text', Buffer.from(JSON.stringify(key.export({ format: 'jwk' })))],
    ['JWK text with the published members', Buffer.from(JSON.stringify(withoutPrivate(jwk), null, 2))],
  ];
  if (jwk.kty === 'RSA') {
    forms.push(['PKCS#1 PEM', Buffer.from(key.export({ format: 'pem', type: 'pkcs1' }))], ['PKCS#1 DER', key.export({ format: 'der', type: 'pkcs1' })]);
  }
  return forms;
}

for (const kid of ['vector-rs256', 'vector-es256']) {
  for (const [form, bytes] of publicForms(byKid(kid))) {
    test(`refuses an HMAC key whose bytes are the ${form} of ${kid} in the same set`, () => {
      const hmac = { kty: 'oct', kid: 'confused', alg: 'HS256', k: bytes.toString('base64url') };
      for (const text of [set(byKid(kid), hmac), set(hmac, withoutPrivate(byKid(kid)))]) {
        const problems = problemsOf(parseJwkSet(text, { signing: true }));
        assert.equal(problems.length, 1, problems.join('\n'));
        assert.match(problems[0]!, new RegExp(`^keys\\[\\d\\] \\(kid "confused"\\): the HMAC key's bytes are the public key of keys\\[\\d\\] \\(kid "${kid}"\\) \\(as PEM, DER or JWK text\\); .*RFC 8725 §2\\.1\\)$`));
      }
    });
  }
}

test('accepts an HMAC key made of a public key that is not in the set, and plain random HMAC keys beside public keys', () => {
  const [, pem] = publicForms(byKid('vector-es384'))[0]!;
  const text = set(byKid('vector-rs256'), { kty: 'oct', kid: 'other', alg: 'HS256', k: pem.toString('base64url') }, oct(64, 'r', 'HS512'));
  assert.ok('keys' in parseJwkSet(text, { signing: true }));
});
