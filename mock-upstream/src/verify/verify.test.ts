import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_JWT_SECRET } from '../../../contracts/src/index.js';
import { ReplayCache } from './replay-cache.js';
import { createVerifier } from './verify.js';
import type { TokenVerdict } from './verify.js';
import { b64url, claimsAt, craft, hs, SECRET_KEY, utcDate, validToken } from '../../test/tokens.js';

const NOW_MS = Date.UTC(2026, 10, 29, 12, 0, 0, 250);
const NOW_S = Math.floor(NOW_MS / 1000);
const SKEW_S = 60;
const MAX_AGE_S = 300;

function verifier() {
  const replay = new ReplayCache({ ttlMs: (MAX_AGE_S + SKEW_S) * 1000 });
  return createVerifier({ key: SECRET_KEY, clockSkewS: SKEW_S, maxAgeS: MAX_AGE_S, replay });
}

async function verdictOf(token: string | string[], nowMs = NOW_MS): Promise<TokenVerdict> {
  return verifier()(Array.isArray(token) ? token : [token], nowMs);
}

function assertCode(verdict: TokenVerdict, code: string): void {
  assert.equal(verdict.code, code, verdict.message);
  assert.equal(verdict.valid, code === 'TOKEN_VALID');
  assert.ok(verdict.message.length > 0);
}

describe('verify', () => {
  it('accepts a token signed with HS512 and the shared secret, returning its header and claims', async () => {
    const claims = claimsAt(NOW_S);
    const verdict = await verdictOf(craft({ claims }));
    assert.deepEqual(verdict, {
      present: true,
      valid: true,
      code: 'TOKEN_VALID',
      message: 'the token is valid',
      header: { alg: 'HS512', typ: 'JWT' },
      claims,
    });
  });

  it('accepts surrounding whitespace in the header value', async () => {
    assertCode(await verdictOf(`  ${validToken(NOW_S)} `), 'TOKEN_VALID');
  });

  it('accepts extra claims, and iss/aud unchecked while MOCK_ISSUER/MOCK_AUDIENCE are unset', async () => {
    assertCode(await verdictOf(validToken(NOW_S, { role: 'admin', iss: 'x', aud: ['y'] })), 'TOKEN_VALID');
  });

  it('answers TOKEN_MISSING given no header', async () => {
    const verdict = await verdictOf([]);
    assertCode(verdict, 'TOKEN_MISSING');
    assert.equal(verdict.present, false);
  });

  it('answers TOKEN_MULTIPLE given the header twice, even with two valid tokens', async () => {
    const verdict = await verdictOf([validToken(NOW_S), validToken(NOW_S)]);
    assertCode(verdict, 'TOKEN_MULTIPLE');
    assert.equal(verdict.present, true);
    assert.match(verdict.message, /2 times/);
  });

  describe('TOKEN_MALFORMED', malformedTokens);
  describe('ALG_NOT_ALLOWED', algorithmsNotAllowed);
  describe('TYP_INVALID', invalidTypes);
  describe('SIGNATURE_INVALID', invalidSignatures);
  describe('CLAIMS_INVALID', invalidClaims);
  describe('time', timeChecks);
  describe('replay', replayChecks);
});

function malformedTokens(): void {
  const cases: [string, string][] = [
    ['an empty value', ''],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'ab+c.de/f.ghi='],
    ['a header that is not JSON', `${b64url('nope')}.${b64url(claimsAt(NOW_S))}.sig`],
    ['a header that is a JSON array', `${b64url([1])}.${b64url(claimsAt(NOW_S))}.sig`],
    ['claims that are not JSON', craft({ claims: 'not json' }).replace(/^[^.]+\.[^.]+/, `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url('{not json')}`)],
    ['claims that are JSON null', `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url('null')}.sig`],
  ];
  for (const [name, token] of cases) {
    it(`given ${name}`, async () => {
      assertCode(await verdictOf(token), 'TOKEN_MALFORMED');
    });
  }

  it('returns the decodable header when only the claims are malformed', async () => {
    const verdict = await verdictOf(`${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url('[]')}.sig`);
    assertCode(verdict, 'TOKEN_MALFORMED');
    assert.deepEqual(verdict.header, { alg: 'HS512', typ: 'JWT' });
    assert.equal(verdict.claims, undefined);
  });

  it('given a critical header parameter jose does not understand', async () => {
    const verdict = await verdictOf(craft({ header: { alg: 'HS512', typ: 'JWT', crit: ['x-unknown'], 'x-unknown': 1 }, claims: claimsAt(NOW_S) }));
    assertCode(verdict, 'TOKEN_MALFORMED');
    assert.match(verdict.message, /^jose rejected the token \(ERR_/);
  });
}

function algorithmsNotAllowed(): void {
  it('given alg none with an empty signature', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsAt(NOW_S))}.`;
    const verdict = await verdictOf(token);
    assertCode(verdict, 'ALG_NOT_ALLOWED');
    assert.match(verdict.message, /"none"/);
  });

  it('given HS256 signed with the right secret', async () => {
    const verdict = await verdictOf(craft({ header: { alg: 'HS256', typ: 'JWT' }, claims: claimsAt(NOW_S), hash: 'sha256' }));
    assertCode(verdict, 'ALG_NOT_ALLOWED');
    assert.equal(verdict.header?.alg, 'HS256');
  });

  it('given a header without alg', async () => {
    const verdict = await verdictOf(craft({ header: { typ: 'JWT' }, claims: claimsAt(NOW_S) }));
    assertCode(verdict, 'ALG_NOT_ALLOWED');
    assert.match(verdict.message, /missing/);
  });

  it('given alg in another case (hs512)', async () => {
    assertCode(await verdictOf(craft({ header: { alg: 'hs512', typ: 'JWT' }, claims: claimsAt(NOW_S) })), 'ALG_NOT_ALLOWED');
  });
}

function invalidTypes(): void {
  for (const typ of ['JWS', 'jwt', 'at+jwt', undefined]) {
    it(`given typ ${JSON.stringify(typ) ?? 'missing'}`, async () => {
      const verdict = await verdictOf(craft({ header: { alg: 'HS512', ...(typ && { typ }) }, claims: claimsAt(NOW_S) }));
      assertCode(verdict, 'TYP_INVALID');
    });
  }
}

function invalidSignatures(): void {
  it('given a tampered payload, and still shows the tampered claims', async () => {
    const [header, , signature] = validToken(NOW_S).split('.');
    const forged = claimsAt(NOW_S, { payload: { user: 'admin', date: utcDate(NOW_S) } });
    const verdict = await verdictOf(`${header}.${b64url(forged)}.${signature}`);
    assertCode(verdict, 'SIGNATURE_INVALID');
    assert.deepEqual(verdict.claims, forged);
  });

  it('given a tampered signature', async () => {
    const token = validToken(NOW_S);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    assertCode(await verdictOf(`${token.slice(0, -2)}${last}${token.at(-1)}`), 'SIGNATURE_INVALID');
  });

  it('given a truncated signature', async () => {
    assertCode(await verdictOf(validToken(NOW_S).slice(0, -10)), 'SIGNATURE_INVALID');
  });

  it('given an empty signature with alg HS512', async () => {
    assertCode(await verdictOf(`${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url(claimsAt(NOW_S))}.`), 'SIGNATURE_INVALID');
  });

  it('given a token signed with another secret', async () => {
    const key = Buffer.from('another secret that is long enough for HS512 and then some more bytes!!');
    assertCode(await verdictOf(craft({ claims: claimsAt(NOW_S), key })), 'SIGNATURE_INVALID');
  });

  it('given the right secret decoded as hex instead of utf8', async () => {
    const key = Buffer.from(DEFAULT_JWT_SECRET, 'hex');
    assertCode(await verdictOf(craft({ claims: claimsAt(NOW_S), key })), 'SIGNATURE_INVALID');
  });

  it('accepts the hex encoding when the verifier is configured with the hex-decoded key', async () => {
    const key = Buffer.from(DEFAULT_JWT_SECRET, 'hex');
    const verify = createVerifier({ key, clockSkewS: SKEW_S, maxAgeS: MAX_AGE_S, replay: new ReplayCache({ ttlMs: 1 }) });
    assert.equal((await verify([craft({ claims: claimsAt(NOW_S), key })], NOW_MS)).code, 'TOKEN_VALID');
  });

  it('given an HS512 header over an HMAC-SHA256 signature', async () => {
    const input = `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url(claimsAt(NOW_S))}`;
    assertCode(await verdictOf(`${input}.${hs('sha256', SECRET_KEY, input)}`), 'SIGNATURE_INVALID');
  });
}

function invalidClaims(): void {
  const date = utcDate(NOW_S);
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['payload missing', { iat: NOW_S, jti: 'a'.repeat(16) }, /payload/],
    ['payload a string', { iat: NOW_S, jti: 'a'.repeat(16), payload: 'username' }, /payload/],
    ['payload.user empty', claimsAt(NOW_S, { payload: { user: '', date } }), /payload\.user/],
    ['payload.user missing', claimsAt(NOW_S, { payload: { date } }), /payload\.user/],
    ['payload.date not YYYY-MM-DD', claimsAt(NOW_S, { payload: { user: 'u', date: '29/11/2026' } }), /payload\.date/],
    ['payload.date not the UTC date of iat', claimsAt(NOW_S, { payload: { user: 'u', date: '2026-11-28' } }), /payload\.date: must be the UTC date of iat \(2026-11-29\)/],
    ['a fractional iat', claimsAt(NOW_S, { iat: NOW_S + 0.5 }), /iat/],
    ['iat a string', claimsAt(NOW_S, { iat: String(NOW_S) }), /iat/],
    ['iat missing', { jti: 'a'.repeat(16), payload: { user: 'u', date } }, /iat/],
    ['jti shorter than 16 characters', claimsAt(NOW_S, { jti: 'a'.repeat(15) }), /jti/],
    ['jti a number', claimsAt(NOW_S, { jti: 1234567890123456 }), /jti/],
    ['iat beyond the range of dates', claimsAt(NOW_S, { iat: 9_000_000_000_000, payload: { user: 'u', date } }), /iat/],
  ];
  for (const [name, claims, pattern] of cases) {
    it(`given ${name}`, async () => {
      const verdict = await verdictOf(craft({ claims }));
      assertCode(verdict, 'CLAIMS_INVALID');
      assert.match(verdict.message, pattern);
      assert.deepEqual(verdict.claims, claims);
    });
  }
}

function timeChecks(): void {
  it('accepts iat exactly the maximum age in the past', async () => {
    assertCode(await verdictOf(validToken(NOW_S - MAX_AGE_S)), 'TOKEN_VALID');
  });

  it('answers TOKEN_STALE one second past the maximum age', async () => {
    const verdict = await verdictOf(validToken(NOW_S - MAX_AGE_S - 1));
    assertCode(verdict, 'TOKEN_STALE');
    assert.equal(verdict.message, 'iat is 301 s old; the maximum age is 300 s');
  });

  it('judges age in whole seconds, as NumericDate is: 999 ms into the edge second is still valid', async () => {
    const nowMs = (NOW_S + 1) * 1000 - 1;
    assertCode(await verdictOf(validToken(NOW_S - MAX_AGE_S), nowMs), 'TOKEN_VALID');
    assertCode(await verdictOf(validToken(NOW_S - MAX_AGE_S), nowMs + 1), 'TOKEN_STALE');
  });

  it('accepts iat exactly the clock skew in the future', async () => {
    assertCode(await verdictOf(validToken(NOW_S + SKEW_S)), 'TOKEN_VALID');
  });

  it('answers TOKEN_FROM_FUTURE one second past the clock skew', async () => {
    const verdict = await verdictOf(validToken(NOW_S + SKEW_S + 1));
    assertCode(verdict, 'TOKEN_FROM_FUTURE');
    assert.equal(verdict.message, 'iat is 61 s in the future; the allowed clock skew is 60 s');
  });

  it('answers TOKEN_FROM_FUTURE far in the future', async () => {
    assertCode(await verdictOf(validToken(NOW_S + 86_400)), 'TOKEN_FROM_FUTURE');
  });
}

function replayChecks(): void {
  it('answers TOKEN_REPLAYED the second time a jti is seen', async () => {
    const verify = verifier();
    const token = validToken(NOW_S);
    assert.equal((await verify([token], NOW_MS)).code, 'TOKEN_VALID');
    const again = await verify([token], NOW_MS + 1000);
    assertCode(again, 'TOKEN_REPLAYED');
    assert.ok(again.claims);
  });

  it('answers TOKEN_REPLAYED for another token reusing a jti', async () => {
    const verify = verifier();
    const jti = 'same-jti-0123456789';
    assert.equal((await verify([validToken(NOW_S, { jti })], NOW_MS)).code, 'TOKEN_VALID');
    assert.equal((await verify([validToken(NOW_S - 5, { jti })], NOW_MS)).code, 'TOKEN_REPLAYED');
  });

  it('does not remember the jti of a token that failed an earlier check', async () => {
    const verify = verifier();
    const claims = claimsAt(NOW_S);
    const forged = craft({ claims, key: Buffer.alloc(64, 1) });
    assert.equal((await verify([forged], NOW_MS)).code, 'SIGNATURE_INVALID');
    assert.equal((await verify([craft({ claims })], NOW_MS)).code, 'TOKEN_VALID');
  });

  it('detects a replay among concurrent verifications of the same token', async () => {
    const verify = verifier();
    const token = validToken(NOW_S);
    const codes = (await Promise.all([verify([token], NOW_MS), verify([token], NOW_MS), verify([token], NOW_MS)])).map((v) => v.code);
    assert.deepEqual(codes.sort(), ['TOKEN_REPLAYED', 'TOKEN_REPLAYED', 'TOKEN_VALID']);
  });

  it('a replay after the token went stale is reported as stale', async () => {
    const verify = verifier();
    const token = validToken(NOW_S);
    assert.equal((await verify([token], NOW_MS)).code, 'TOKEN_VALID');
    assert.equal((await verify([token], NOW_MS + (MAX_AGE_S + 1) * 1000)).code, 'TOKEN_STALE');
  });
}
