import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SignJWT, compactVerify, importJWK } from 'jose';
import { loadGoldenVectors, loadProfileVectors } from '../testing/golden-vectors.js';
import { PRIVATE_JWK_MEMBERS, parseJwkSet } from '../src/jwk-set.js';
import { buildProfileClaims, isDefaultProfile } from '../src/token-profile.js';
import { checkClaims } from '../src/token-claims.js';
import { buildClaims } from '../src/token-contract.js';
import { decodeSecret } from '../src/token-config.js';

const file = loadProfileVectors();
const jwkOf = (kid: string): Record<string, unknown> => {
  const jwk = file.keys.keys.find((k) => k.kid === kid);
  assert.ok(jwk, `key ${kid} is in the vectors' set`);
  return jwk;
};
/** The JWK without its private members (an oct key keeps `k`: it has no public half). */
const publicHalf = (jwk: Record<string, unknown>): Record<string, unknown> =>
  jwk.kty === 'oct' ? jwk : Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_JWK_MEMBERS.includes(name)));
const secretBytes = (): Buffer => {
  const decoded = decodeSecret(file.secret, file.secretEncoding);
  assert.ok('key' in decoded);
  return decoded.key;
};

test('the profile vectors cover every algorithm, JWT_SECRET without kid and every opt-in claim', () => {
  const algs = new Set(file.vectors.map((v) => v.expectedHeader.alg));
  assert.deepEqual([...algs].sort(), ['ES256', 'ES384', 'HS256', 'HS384', 'HS512', 'PS256', 'RS256']);
  assert.ok(file.vectors.some((v) => v.kid === null && !('kid' in v.expectedHeader)));
  for (const claim of ['exp', 'nbf', 'iss', 'sub', 'aud']) {
    assert.ok(file.vectors.some((v) => claim in v.expectedClaims), claim);
  }
  assert.ok(file.vectors.some((v) => Array.isArray(v.expectedClaims.aud)) && file.vectors.some((v) => typeof v.expectedClaims.aud === 'string'));
  assert.ok(file.vectors.every((v) => !isDefaultProfile(v.profile)));
  assert.ok('keys' in parseJwkSet(JSON.stringify(file.keys), { signing: true }));
});

test('the default golden vectors file is untouched by the profiles (still exactly three claims each)', () => {
  for (const vector of loadGoldenVectors()) {
    assert.deepEqual(Object.keys(vector.expectedClaims), ['iat', 'jti', 'payload']);
    assert.equal(JSON.stringify(buildProfileClaims(vector.nowMs, vector.jti, vector.user, {})), JSON.stringify(buildClaims(vector.nowMs, vector.jti, vector.user)));
  }
  const raw = readFileSync(new URL('../../../contracts/golden-vectors.json', import.meta.url), 'utf8');
  assert.doesNotMatch(raw, /"exp"|"kid"/);
});

for (const vector of file.vectors) {
  test(`profile "${vector.name}": buildProfileClaims gives the claims in the pinned order and checkClaims accepts them`, () => {
    const claims = buildProfileClaims(vector.nowMs, vector.jti, vector.user, vector.profile);
    assert.equal(JSON.stringify(claims), JSON.stringify(vector.expectedClaims));
    assert.equal(checkClaims(claims).ok, true);
    const [header, body] = vector.expectedSigningInput.split('.');
    assert.equal(Buffer.from(header!, 'base64url').toString(), JSON.stringify(vector.expectedHeader));
    assert.equal(Buffer.from(body!, 'base64url').toString(), JSON.stringify(vector.expectedClaims));
  });

  test(`profile "${vector.name}": jose signs the same signing input, and verifies the pinned token`, async () => {
    const alg = vector.expectedHeader.alg!;
    const key = vector.kid === null ? secretBytes() : await importJWK(jwkOf(vector.kid), alg);
    const token = await new SignJWT({ ...vector.expectedClaims }).setProtectedHeader({ ...vector.expectedHeader, alg }).sign(key);
    assert.equal(token.slice(0, token.lastIndexOf('.')), vector.expectedSigningInput);
    const verifyKey = vector.kid === null ? key : await importJWK(publicHalf(jwkOf(vector.kid)), alg);
    await compactVerify(token, verifyKey, { algorithms: [alg] });
    if (vector.expectedToken !== undefined) {
      assert.equal(token, vector.expectedToken);
      await compactVerify(vector.expectedToken, verifyKey, { algorithms: [alg] });
    }
  });
}
