/**
 * Token profiles (issue #12): the opt-in registered claims a proxy adds after
 * the assignment's `iat`, `jti` and `payload`. With every field unset the
 * profile is empty and the token is exactly the default one.
 *
 * The claim order is fixed here, once, and pinned by contracts/profile-vectors.json:
 * `iat, jti, payload, exp, nbf, iss, sub, aud`.
 */
import { utcDateOf } from './token-contract.js';
import type { TokenClaims } from './token-contract.js';

export interface TokenProfile {
  /** JWT_TTL_S: `exp = iat + ttlS`. */
  readonly ttlS?: number;
  /** JWT_NOT_BEFORE_SKEW_S: `nbf = iat - notBeforeSkewS`. */
  readonly notBeforeSkewS?: number;
  /** JWT_ISSUER: `iss`. */
  readonly issuer?: string;
  /** JWT_SUBJECT: `sub`. */
  readonly subject?: string;
  /** JWT_AUDIENCE: `aud`, one string, or an array for a comma list. */
  readonly audience?: string | string[];
}

/** True when the profile adds no claim (the default token). */
export function isDefaultProfile(profile: TokenProfile): boolean {
  return (
    profile.ttlS === undefined &&
    profile.notBeforeSkewS === undefined &&
    profile.issuer === undefined &&
    profile.subject === undefined &&
    profile.audience === undefined
  );
}

/** Everything but `iat` and `jti`, in claim order: the part that is the same for a whole second. */
export type ClaimsAfterJti = Omit<TokenClaims, 'iat' | 'jti'>;

/** The claims after `jti` for a token issued at `iat` (seconds). */
export function claimsAfterJti(iat: number, user: string, profile: TokenProfile): ClaimsAfterJti {
  const claims: { -readonly [K in keyof ClaimsAfterJti]: ClaimsAfterJti[K] } = { payload: { user, date: utcDateOf(iat) } };
  if (profile.ttlS !== undefined) claims.exp = iat + profile.ttlS;
  if (profile.notBeforeSkewS !== undefined) claims.nbf = iat - profile.notBeforeSkewS;
  if (profile.issuer !== undefined) claims.iss = profile.issuer;
  if (profile.subject !== undefined) claims.sub = profile.subject;
  if (profile.audience !== undefined) claims.aud = profile.audience;
  return claims;
}

/** The whole claim set for a request that arrived at `nowMs` (epoch milliseconds). */
export function buildProfileClaims(nowMs: number, jti: string, user: string, profile: TokenProfile): TokenClaims {
  const iat = Math.floor(nowMs / 1000);
  return { iat, jti, ...claimsAfterJti(iat, user, profile) };
}
