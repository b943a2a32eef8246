/**
 * The token contract: the one definition of what the proxy promises and the
 * mock upstream checks. Both servers and every suite import it from here.
 */

/** Default request header that carries the token (issue #2). */
export const DEFAULT_JWT_HEADER = 'x-my-jwt';
/** The only algorithm either side accepts: HMAC with SHA-512 (RFC 7518 §3.2). */
export const JWT_ALGORITHM = 'HS512';
/** The JOSE header's `typ` (RFC 7519 §5.1). */
export const JWT_TYPE = 'JWT';
/** The protected header, in this order: the golden vectors pin the byte layout. */
export const JWT_PROTECTED_HEADER = Object.freeze({ alg: JWT_ALGORITHM, typ: JWT_TYPE });
/** Default `payload.user` claim. */
export const DEFAULT_JWT_USER = 'username';
/** A `jti` carries at least 128 bits from a CSPRNG; the checker accepts no string shorter than this. */
export const MIN_JTI_LENGTH = 16;

/** `payload` claim: who the proxy signs for and the UTC date of `iat`. */
export interface TokenPayload {
  readonly user: string;
  readonly date: string;
}

/**
 * The claim set: `iat`, `jti` and `payload` always (the assignment's token);
 * the registered claims after them only when a token profile asks for them
 * (issue #12: JWT_TTL_S, JWT_NOT_BEFORE_SKEW_S, JWT_ISSUER, JWT_SUBJECT, JWT_AUDIENCE).
 */
export interface TokenClaims {
  readonly iat: number;
  readonly jti: string;
  readonly payload: TokenPayload;
  /** Expiration time, `iat + JWT_TTL_S` (RFC 7519 §4.1.4). */
  readonly exp?: number;
  /** Not before, `iat - JWT_NOT_BEFORE_SKEW_S` (RFC 7519 §4.1.5). */
  readonly nbf?: number;
  /** Issuer, JWT_ISSUER (RFC 7519 §4.1.1). */
  readonly iss?: string;
  /** Subject, JWT_SUBJECT (RFC 7519 §4.1.2). */
  readonly sub?: string;
  /** Audience, JWT_AUDIENCE: one string, or an array for a comma list (RFC 7519 §4.1.3). */
  readonly aud?: string | string[];
}

/** The UTC calendar date (YYYY-MM-DD) of a NumericDate in seconds. */
export function utcDateOf(numericDate: number): string {
  return new Date(numericDate * 1000).toISOString().slice(0, 10);
}

/** Builds the claims for a request that arrived at `nowMs` (epoch milliseconds). */
export function buildClaims(nowMs: number, jti: string, user: string): TokenClaims {
  const iat = Math.floor(nowMs / 1000);
  return { iat, jti, payload: { user, date: utcDateOf(iat) } };
}
