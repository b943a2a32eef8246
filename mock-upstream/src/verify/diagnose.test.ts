import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DEFAULT_JWT_SECRET, VERDICT_CODES } from '../../../contracts/src/index.js';
import type { TokenVerdict } from '../../../contracts/src/index.js';
import { VERDICT_CHECKS } from './checks.js';
import { createDiagnoser, keyCandidates } from './diagnose.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
function sign(key: Buffer | string): string {
  const input = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ iat: 1, jti: 'j'.repeat(16), payload: { user: 'u', date: '1970-01-01' } })}`;
  return `${input}.${createHmac('sha512', key).update(input).digest('base64url')}`;
}

const UTF8_KEY = Buffer.from(DEFAULT_JWT_SECRET, 'utf8');
const HEX_KEY = Buffer.from(DEFAULT_JWT_SECRET, 'hex');
const invalid = (code: TokenVerdict['code'], extra: Partial<TokenVerdict> = {}): TokenVerdict => ({ present: true, valid: false, code, message: `m:${code}`, ...extra });
const context = { nowMs: 1_000_000_000, tokenValues: [] as string[], firstSighting: () => undefined };

const diagnoseUtf8 = createDiagnoser({ key: UTF8_KEY, secretEncoding: 'utf8' });

describe('diagnoses', () => {
  it('maps every verdict code but TOKEN_VALID to a check', () => {
    assert.deepEqual(VERDICT_CODES.filter((code) => code !== 'TOKEN_VALID' && VERDICT_CHECKS[code] === undefined), []);
  });

  it('leaves a valid verdict alone and gives every invalid one a detail with its check', () => {
    const valid: TokenVerdict = { present: true, valid: true, code: 'TOKEN_VALID', message: 'ok' };
    assert.equal(diagnoseUtf8(valid, context), valid);
    for (const code of VERDICT_CODES.filter((c) => c !== 'TOKEN_VALID')) {
      const detail = diagnoseUtf8(invalid(code), context).detail;
      assert.equal(detail?.check, VERDICT_CHECKS[code], code);
      assert.ok((detail?.summary ?? '').length > 0, code);
    }
  });

  it('SIGNATURE_INVALID: says the token verifies with the secret read as hex when the mock reads utf8', () => {
    const token = sign(HEX_KEY);
    const detail = diagnoseUtf8(invalid('SIGNATURE_INVALID'), { ...context, tokenValues: [token] }).detail;
    assert.deepEqual(detail?.signature, { candidatesTried: detail?.signature?.candidatesTried, verifiesWith: 'JWT_SECRET read as hex', kind: 'other-encoding' });
    assert.match(detail?.summary ?? '', /different encodings \(JWT_SECRET_ENCODING\)/);
  });

  it('SIGNATURE_INVALID: says the token verifies with the secret read as utf8 when the mock reads hex', () => {
    const diagnoseHex = createDiagnoser({ key: HEX_KEY, secretEncoding: 'hex' });
    const detail = diagnoseHex(invalid('SIGNATURE_INVALID'), { ...context, tokenValues: [sign(UTF8_KEY)] }).detail;
    assert.equal(detail?.signature?.verifiesWith, 'JWT_SECRET read as utf8');
  });

  it('SIGNATURE_INVALID: finds the published secret’s stray space kept by the signer', () => {
    const spaced = `${DEFAULT_JWT_SECRET.slice(0, 97)} ${DEFAULT_JWT_SECRET.slice(97)}`;
    const detail = diagnoseUtf8(invalid('SIGNATURE_INVALID'), { ...context, tokenValues: [sign(spaced)] }).detail;
    assert.equal(detail?.signature?.kind, 'stray-whitespace');
    assert.equal(detail?.signature?.verifiesWith, 'JWT_SECRET read as utf8 with a space kept at position 97');
  });

  it('SIGNATURE_INVALID: names another configured key that verifies, or says none did', namesAnotherKey);

  it('tries each candidate key once (duplicates removed)', () => {
    const candidates = keyCandidates({ key: UTF8_KEY, secretEncoding: 'utf8' });
    assert.equal(new Set(candidates.map((c) => c.key.toString('hex'))).size, candidates.length);
  });

  it('CLAIMS_INVALID: each violation with its zod path', () => {
    const detail = diagnoseUtf8(invalid('CLAIMS_INVALID', { claims: { iat: 1.5, jti: 'short', payload: { user: '' } } }), context).detail;
    assert.equal(detail?.check, 'claims');
    assert.deepEqual(
      detail?.violations?.map((v) => v.path),
      [['iat'], ['jti'], ['payload', 'user'], ['payload', 'date']],
    );
    assert.match(detail?.summary ?? '', /payload\.user must be a non-empty string/);
  });

  it('time checks: the skew in seconds, signed (ahead is positive)', timeSkews);

  it('replay: the id and time of the first sighting, or says it is gone', () => {
    const first = { id: 'e1', receivedAt: '2026-11-29T12:00:00.000Z' };
    const seen = diagnoseUtf8(invalid('TOKEN_REPLAYED', { claims: { jti: 'abc' } }), { ...context, firstSighting: (jti) => (jti === 'abc' ? first : undefined) });
    assert.deepEqual(seen.detail?.firstSeen, first);
    assert.match(seen.detail?.summary ?? '', /first seen in entry e1 at 2026-11-29T12:00:00.000Z/);
    assert.match(diagnoseUtf8(invalid('TOKEN_REPLAYED', { claims: { jti: 'x' } }), context).detail?.summary ?? '', /no longer in the journal/);
  });
});

function namesAnotherKey(): void {
  const other = Buffer.alloc(64, 7);
  const withOther = createDiagnoser({ key: UTF8_KEY, secretEncoding: 'utf8', otherKeys: [{ label: 'key file old.key', key: other }] });
  assert.equal(withOther(invalid('SIGNATURE_INVALID'), { ...context, tokenValues: [sign(other)] }).detail?.signature?.verifiesWith, 'key file old.key');
  const none = diagnoseUtf8(invalid('SIGNATURE_INVALID'), { ...context, tokenValues: [sign(Buffer.alloc(64, 9))] }).detail;
  assert.equal(none?.signature?.verifiesWith, undefined);
  assert.match(none?.summary ?? '', /verifies under none of/);
}

function timeSkews(): void {
  const nowS = context.nowMs / 1000;
  assert.equal(diagnoseUtf8(invalid('TOKEN_STALE', { claims: { iat: nowS - 400 } }), context).detail?.skewS, -400);
  const future = diagnoseUtf8(invalid('TOKEN_FROM_FUTURE', { claims: { iat: nowS + 90 } }), context).detail;
  assert.equal(future?.skewS, 90);
  assert.match(future?.summary ?? '', /iat is 90 s ahead of the mock's clock/);
  const expired = diagnoseUtf8(invalid('TOKEN_EXPIRED', { claims: { iat: nowS - 100, exp: nowS - 70 } }), context).detail;
  assert.equal(expired?.skewS, -70);
  assert.match(expired?.summary ?? '', /exp is 70 s behind the mock's clock/);
  assert.equal(diagnoseUtf8(invalid('TOKEN_NOT_YET_VALID', { claims: { nbf: nowS + 5 } }), context).detail?.skewS, 5);
}

describe('a missing token on a method the proxy does not sign (issue 23)', () => {
  const missing: TokenVerdict = { present: false, valid: false, code: 'TOKEN_MISSING', message: 'no token header was present' };
  const withPut = createDiagnoser({ key: UTF8_KEY, secretEncoding: 'utf8', signedMethods: new Set(['POST', 'PUT']) });

  it('is unsigned as expected: expected false, the code kept, the detail says why', () => {
    const verdict = diagnoseUtf8(missing, { ...context, method: 'GET' });
    assert.equal(verdict.code, 'TOKEN_MISSING');
    assert.equal(verdict.valid, false);
    assert.equal(verdict.expected, false);
    assert.equal(verdict.detail?.check, 'presence');
    assert.match(verdict.detail?.summary ?? '', /^unsigned, as configured: GET is not a signed method \(MOCK_SIGNED_METHODS=POST/);
  });

  it('is still a failure on a signed method, on any other code, and when the method is unknown', () => {
    assert.equal(diagnoseUtf8(missing, { ...context, method: 'POST' }).expected, undefined);
    assert.equal(withPut(missing, { ...context, method: 'PUT' }).expected, undefined);
    assert.equal(withPut(missing, { ...context, method: 'GET' }).expected, false);
    assert.equal(diagnoseUtf8(invalid('TOKEN_MALFORMED'), { ...context, method: 'GET' }).expected, undefined);
    assert.equal(diagnoseUtf8(missing, context).expected, undefined);
  });
});
