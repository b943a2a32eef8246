import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { loadGoldenVectors } from '../testing/golden-vectors.js';
import { checkClaims } from '../src/token-claims.js';
import { buildClaims, JWT_PROTECTED_HEADER } from '../src/token-contract.js';
import { decodeSecret } from '../src/token-config.js';
import { craftToken, decodeToken, hasValidHs512Signature } from '../testing/craft-token.js';

const vectors = loadGoldenVectors();

function keyOf(secret: string, encoding: 'utf8' | 'hex'): Buffer {
  const decoded = decodeSecret(secret, encoding);
  assert.ok('key' in decoded, `golden secret must decode under ${encoding}`);
  return decoded.key;
}

test('the golden file holds vectors for both encodings and the stray-space secret', () => {
  assert.ok(vectors.length >= 4);
  assert.deepEqual([...new Set(vectors.map((v) => v.secretEncoding))].sort(), ['hex', 'utf8']);
  assert.ok(vectors.some((v) => /\s/.test(v.secret)), 'one vector keeps the published copy stray space');
});

for (const vector of vectors) {
  test(`golden "${vector.name}": buildClaims gives the expected claims and checkClaims accepts them`, () => {
    const claims = buildClaims(vector.nowMs, vector.jti, vector.user);
    assert.deepEqual(claims, vector.expectedClaims);
    // Key order is part of the byte layout the vectors pin.
    assert.equal(JSON.stringify(claims), JSON.stringify(vector.expectedClaims));
    assert.deepEqual(checkClaims(claims), { ok: true, claims: vector.expectedClaims });
  });

  test(`golden "${vector.name}": jose SignJWT reproduces the token to the byte`, async () => {
    const key = keyOf(vector.secret, vector.secretEncoding);
    const token = await new SignJWT({ ...buildClaims(vector.nowMs, vector.jti, vector.user) })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .sign(key);
    assert.equal(token, vector.expectedToken);
  });

  test(`golden "${vector.name}": node:crypto crafting reproduces the token and its parts decode to the contract`, () => {
    const key = keyOf(vector.secret, vector.secretEncoding);
    assert.equal(craftToken({ claims: vector.expectedClaims, key }), vector.expectedToken);
    assert.ok(hasValidHs512Signature(vector.expectedToken, key));
    const decoded = decodeToken(vector.expectedToken);
    assert.ok(decoded);
    assert.deepEqual(decoded.header, JWT_PROTECTED_HEADER);
    assert.deepEqual(checkClaims(decoded.claims), { ok: true, claims: vector.expectedClaims });
  });
}

test('golden tokens do not verify under the other encoding of the same secret', () => {
  for (const vector of vectors) {
    const other = vector.secretEncoding === 'hex' ? 'utf8' : 'hex';
    assert.equal(hasValidHs512Signature(vector.expectedToken, keyOf(vector.secret, other)), false, vector.name);
  }
});

// The proxy's signer is held to the same vectors. It lives in another TypeScript
// project, so it is loaded from its compiled output at run time (a static import
// would pull proxy/ into the contracts project); skipped until it is built.
interface ProxyTokenModule {
  createSigner(options: {
    keys: { current: { alg: 'HS512'; kid: undefined; key: KeyObject } };
    user: string;
    profile: object;
    now: () => number;
    randomId: () => string;
  }): () => { token: string; jti: string };
}
const proxyTokenJs = new URL('../../proxy/src/keys/signer.js', import.meta.url);

test('golden vectors: the proxy signer (dist/proxy/src/keys/signer.js) reproduces every token to the byte', async (t) => {
  if (!existsSync(fileURLToPath(proxyTokenJs))) {
    t.skip(`${fileURLToPath(proxyTokenJs)} is not built (npx tsc -b proxy)`);
    return;
  }
  const proxyToken = (await import(proxyTokenJs.href)) as ProxyTokenModule;
  assert.equal(typeof proxyToken.createSigner, 'function', 'proxy/src/keys/signer.ts exports createSigner');
  for (const vector of vectors) {
    const sign = proxyToken.createSigner({
      keys: { current: { alg: 'HS512', kid: undefined, key: createSecretKey(keyOf(vector.secret, vector.secretEncoding)) } },
      user: vector.user,
      profile: {},
      now: () => vector.nowMs,
      randomId: () => vector.jti,
    });
    assert.equal(sign().token, vector.expectedToken, vector.name);
  }
});
