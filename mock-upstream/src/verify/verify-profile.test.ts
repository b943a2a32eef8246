// Issue #12: the mock verifies every token profile with jose: key by kid from
// MOCK_KEYS_FILE or MOCK_JWKS_URL, exp/nbf with the clock skew, iss and aud when set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { createPrivateKey, createSecretKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { parseJwkSet } from '../../../contracts/src/jwk-set.js';
import type { SetKey } from '../../../contracts/src/jwk-set.js';
import { jwkSetText, publicOnly, vectorJwk } from '../../../contracts/testing/key-fixtures.js';
import type { Jwk } from '../../../contracts/testing/key-fixtures.js';
import { ReplayCache } from './replay-cache.js';
import { createVerifier } from './verify.js';
import type { TokenVerdict, VerifierOptions } from './verify.js';
import { SECRET_KEY, claimsAt, craft } from '../../test/tokens.js';

const NOW_MS = Date.UTC(2026, 10, 29, 12, 0, 0, 250);
const NOW_S = Math.floor(NOW_MS / 1000);
const SKEW_S = 60;

function setOf(...jwks: Jwk[]): readonly SetKey[] {
  const parsed = parseJwkSet(jwkSetText(jwks), { signing: false });
  assert.ok('keys' in parsed);
  return parsed.keys;
}

/** Signs with jsonwebtoken (not jose, the verifier under test) under a vector key. */
function signWith(kid: string, claims: object, header: { kid?: string | null; alg?: string } = {}): string {
  const jwk = vectorJwk(kid);
  const key = jwk.kty === 'oct' ? createSecretKey(Buffer.from(String(jwk.k), 'base64url')) : createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const options: jwt.SignOptions = { algorithm: String(header.alg ?? jwk.alg) as jwt.Algorithm };
  if (header.kid !== null) options.keyid = header.kid ?? kid;
  return jwt.sign(claims, key, options);
}

function verifier(options: Partial<VerifierOptions> = {}) {
  return createVerifier({ key: SECRET_KEY, clockSkewS: SKEW_S, maxAgeS: 300, replay: new ReplayCache({ ttlMs: 360_000 }), ...options });
}

async function codeOf(token: string, options: Partial<VerifierOptions> = {}, nowMs = NOW_MS): Promise<string> {
  const verdict: TokenVerdict = await verifier(options)([token], nowMs);
  assert.ok(verdict.message.length > 0);
  return `${verdict.code}${verdict.code === 'TOKEN_VALID' ? '' : `: ${verdict.message}`}`;
}

const fileKeys = setOf(vectorJwk('vector-hs256'), vectorJwk('vector-hs512'), publicOnly(vectorJwk('vector-es256')));

describe('verify: keys by kid (MOCK_KEYS_FILE)', () => {
  it('verifies HMAC and public keys of the file under their own alg', async () => {
    assert.equal(await codeOf(signWith('vector-hs256', claimsAt(NOW_S)), { fileKeys }), 'TOKEN_VALID');
    assert.equal(await codeOf(signWith('vector-hs512', claimsAt(NOW_S)), { fileKeys }), 'TOKEN_VALID');
    assert.equal(await codeOf(signWith('vector-es256', claimsAt(NOW_S)), { fileKeys }), 'TOKEN_VALID');
  });

  it('keeps verifying a kid-less HS512 token with JWT_SECRET, as before', async () => {
    assert.equal(await codeOf(craft({ claims: claimsAt(NOW_S) }), { fileKeys }), 'TOKEN_VALID');
  });

  it('answers KID_UNKNOWN given a kid no configured key has', async () => {
    assert.equal(
      await codeOf(signWith('vector-hs384', claimsAt(NOW_S)), { fileKeys }),
      'KID_UNKNOWN: no key with kid "vector-hs384" in MOCK_KEYS_FILE',
    );
    assert.match(await codeOf(craft({ header: { alg: 'HS512', typ: 'JWT', kid: 7 }, claims: claimsAt(NOW_S) })), /^KID_UNKNOWN: kid must be a string/);
  });

  it('answers ALG_NOT_ALLOWED given a known kid under another alg (no algorithm confusion)', async () => {
    const hs512AsHs256 = craft({ header: { alg: 'HS256', typ: 'JWT', kid: 'vector-hs512' }, claims: claimsAt(NOW_S), key: Buffer.from(String(vectorJwk('vector-hs512').k), 'base64url'), hash: 'sha256' });
    assert.equal(await codeOf(hs512AsHs256, { fileKeys }), 'ALG_NOT_ALLOWED: alg is "HS256", but key "vector-hs512" is for HS512 only');
    assert.match(await codeOf(craft({ header: { alg: 'HS256', typ: 'JWT' }, claims: claimsAt(NOW_S), hash: 'sha256' })), /^ALG_NOT_ALLOWED: alg is "HS256" without a kid/);
    assert.match(await codeOf(craft({ header: { alg: 'RS512', typ: 'JWT', kid: 'x' }, claims: claimsAt(NOW_S) })), /^ALG_NOT_ALLOWED: alg is "RS512"; only HS256, HS384/);
  });

  it('answers SIGNATURE_INVALID given the right kid over another key', async () => {
    const forged = craft({ header: { alg: 'HS256', typ: 'JWT', kid: 'vector-hs256' }, claims: claimsAt(NOW_S), key: Buffer.alloc(32, 1), hash: 'sha256' });
    assert.equal(await codeOf(forged, { fileKeys }), 'SIGNATURE_INVALID: the signature does not match the key');
  });

  it('lists its local keys, so a diagnosis can try the others', () => {
    const keys = verifier({ fileKeys }).keys.configuredKeys();
    assert.deepEqual(keys.map((k) => `${k.kid ?? '(JWT_SECRET)'}/${k.alg}`), ['(JWT_SECRET)/HS512', 'vector-hs256/HS256', 'vector-hs512/HS512', 'vector-es256/ES256']);
  });
});

describe('verify: keys from the proxy JWKS (MOCK_JWKS_URL)', () => {
  let server: http.Server;
  let url: URL;
  let fetches = 0;
  let served: Jwk[] = [publicOnly(vectorJwk('vector-rs256')), publicOnly(vectorJwk('vector-es384'))];
  before(async () => {
    server = http.createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys: served }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('chooses the key by kid from the set, fetched once and cached', async () => {
    const verify = verifier({ jwksUrl: url, jwksCooldownMs: 0 });
    fetches = 0;
    for (const kid of ['vector-rs256', 'vector-es384', 'vector-rs256']) {
      assert.equal((await verify([signWith(kid, claimsAt(NOW_S))], NOW_MS)).code, 'TOKEN_VALID', kid);
    }
    assert.equal(fetches, 1);
  });

  it('refetches on an unknown kid (a rotation), and answers KID_UNKNOWN when the set still lacks it', async () => {
    const verify = verifier({ jwksUrl: url, jwksCooldownMs: 0 });
    assert.equal((await verify([signWith('vector-rs256', claimsAt(NOW_S))], NOW_MS)).code, 'TOKEN_VALID');
    const ps = signWith('vector-ps256', claimsAt(NOW_S));
    const missing = await verify([ps], NOW_MS);
    assert.equal(missing.code, 'KID_UNKNOWN');
    assert.match(missing.message, /the JWKS at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json has no key for this kid and alg/);
    served = [...served, publicOnly(vectorJwk('vector-ps256'))];
    assert.equal((await verify([signWith('vector-ps256', claimsAt(NOW_S))], NOW_MS)).code, 'TOKEN_VALID');
  });

  it('answers KID_UNKNOWN, saying why, when the JWKS cannot be fetched', async () => {
    const gone = new URL('http://127.0.0.1:1/.well-known/jwks.json');
    assert.match(await codeOf(signWith('vector-rs256', claimsAt(NOW_S)), { jwksUrl: gone }), /^KID_UNKNOWN: the JWKS at http:\/\/127\.0\.0\.1:1\/\.well-known\/jwks\.json could not be used/);
  });

  it('a file key with the kid wins over the JWKS', async () => {
    const local = setOf(vectorJwk('vector-hs384'));
    assert.equal(await codeOf(signWith('vector-hs384', claimsAt(NOW_S)), { jwksUrl: url, fileKeys: local }), 'TOKEN_VALID');
  });
});

describe('verify: exp, nbf, iss and aud', () => {
  const token = (overrides: Record<string, unknown>) => craft({ claims: claimsAt(NOW_S, overrides) });

  it('accepts exp in the future and up to the skew in the past; answers TOKEN_EXPIRED beyond', async () => {
    assert.equal(await codeOf(token({ exp: NOW_S + 300 })), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ exp: NOW_S - SKEW_S + 1 })), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ exp: NOW_S - SKEW_S })), 'TOKEN_EXPIRED: exp was 60 s ago; the allowed clock skew is 60 s');
  });

  it('accepts nbf in the past and up to the skew ahead; answers TOKEN_NOT_YET_VALID beyond', async () => {
    assert.equal(await codeOf(token({ nbf: NOW_S - 5 })), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ nbf: NOW_S + SKEW_S })), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ nbf: NOW_S + SKEW_S + 1 })), 'TOKEN_NOT_YET_VALID: nbf is 61 s in the future; the allowed clock skew is 60 s');
  });

  it('answers ISSUER_INVALID given another or no iss while MOCK_ISSUER is set', async () => {
    const issuer = 'https://proxy.example';
    assert.equal(await codeOf(token({ iss: issuer }), { issuer }), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ iss: 'https://evil.example' }), { issuer }), 'ISSUER_INVALID: iss is "https://evil.example"; MOCK_ISSUER expects "https://proxy.example"');
    assert.equal(await codeOf(token({}), { issuer }), 'ISSUER_INVALID: iss is missing; MOCK_ISSUER expects "https://proxy.example"');
  });

  it('accepts aud naming one expected audience (string or array); answers AUDIENCE_INVALID otherwise', async () => {
    const audiences = ['orders-api'];
    assert.equal(await codeOf(token({ aud: 'orders-api' }), { audiences }), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ aud: ['billing-api', 'orders-api'] }), { audiences }), 'TOKEN_VALID');
    assert.equal(await codeOf(token({ aud: ['billing-api'] }), { audiences }), 'AUDIENCE_INVALID: aud is ["billing-api"]; MOCK_AUDIENCE expects one of ["orders-api"]');
    assert.equal(await codeOf(token({}), { audiences }), 'AUDIENCE_INVALID: aud is missing; MOCK_AUDIENCE expects one of ["orders-api"]');
  });

  it('answers CLAIMS_INVALID given a malformed opt-in claim, before any time or audience check', async () => {
    assert.match(await codeOf(token({ exp: NOW_S + 0.5 })), /^CLAIMS_INVALID: exp: must be an integer NumericDate/);
    assert.match(await codeOf(token({ aud: [] }), { audiences: ['a'] }), /^CLAIMS_INVALID: aud: /);
    assert.match(await codeOf(token({ iss: '' })), /^CLAIMS_INVALID: iss: must be a non-empty string/);
  });
});
