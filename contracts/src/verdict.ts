/**
 * Verdict codes: the closed set of outcomes of verifying a request's token.
 * Stable strings, matched on by tests and clients; never the message text.
 */
export const VERDICT_CODES = [
  'TOKEN_VALID',
  'TOKEN_MISSING',
  'TOKEN_MULTIPLE',
  'TOKEN_MALFORMED',
  'ALG_NOT_ALLOWED',
  'TYP_INVALID',
  'SIGNATURE_INVALID',
  'CLAIMS_INVALID',
  'TOKEN_STALE',
  'TOKEN_FROM_FUTURE',
  'TOKEN_REPLAYED',
  // Token profiles (issue #12).
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'ISSUER_INVALID',
  'AUDIENCE_INVALID',
  'KID_UNKNOWN',
] as const;

export type VerdictCode = (typeof VERDICT_CODES)[number];

/** Human description of each code, for the inspection page and error bodies. */
export const VERDICT_DESCRIPTIONS: Readonly<Record<VerdictCode, string>> = Object.freeze({
  TOKEN_VALID: 'the token is valid',
  TOKEN_MISSING: 'no token header was present',
  TOKEN_MULTIPLE: 'the token header was present more than once',
  TOKEN_MALFORMED: 'the token is not a compact JWS with a JSON header and claims',
  ALG_NOT_ALLOWED: 'the token is not signed with an accepted algorithm for its key (HS512 without a kid)',
  TYP_INVALID: 'the token header typ is not JWT',
  SIGNATURE_INVALID: 'the signature does not match the key',
  CLAIMS_INVALID: 'the claims do not match the contract',
  TOKEN_STALE: 'iat is older than the maximum age',
  TOKEN_FROM_FUTURE: 'iat is further in the future than the allowed clock skew',
  TOKEN_REPLAYED: 'this jti was already seen within the maximum age',
  TOKEN_EXPIRED: 'exp has passed, beyond the allowed clock skew',
  TOKEN_NOT_YET_VALID: 'nbf is further in the future than the allowed clock skew',
  ISSUER_INVALID: 'iss is not the issuer the verifier expects (MOCK_ISSUER)',
  AUDIENCE_INVALID: 'aud does not name an audience the verifier expects (MOCK_AUDIENCE)',
  KID_UNKNOWN: 'no configured key has the token header kid',
});
