/**
 * The token contract: the one definition of what the proxy promises and the
 * mock upstream checks. Both servers and every suite import it from here.
 */
import { z } from 'zod';

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

/** The claim set, exactly these three claims. */
export interface TokenClaims {
  readonly iat: number;
  readonly jti: string;
  readonly payload: TokenPayload;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Runtime schema of the claims. `iat`'s relation to the clock is checked by the verifier, not here. */
export const tokenClaimsSchema = z
  .object({
    iat: z.number().int('must be an integer NumericDate (RFC 7519 §2)').nonnegative(),
    jti: z.string().min(MIN_JTI_LENGTH, `must be a string of at least ${MIN_JTI_LENGTH} characters`),
    payload: z.object({
      user: z.string().min(1, 'must be a non-empty string'),
      date: z.string().regex(DATE_PATTERN, 'must be a date as YYYY-MM-DD'),
    }),
  })
  .superRefine((claims, ctx) => {
    if (claims.payload.date !== utcDateOf(claims.iat)) {
      ctx.addIssue({
        code: 'custom',
        path: ['payload', 'date'],
        message: `must be the UTC date of iat (${utcDateOf(claims.iat)})`,
      });
    }
  });

/** One violation of the contract: where and why. */
export interface ContractViolation {
  readonly path: string;
  readonly reason: string;
}

export type ClaimsCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly violations: readonly ContractViolation[] };

/** Validates an unknown value against the claims contract, naming each violation's path and reason. */
export function checkClaims(value: unknown): ClaimsCheck {
  const result = tokenClaimsSchema.safeParse(value);
  if (result.success) return { ok: true, claims: result.data };
  return {
    ok: false,
    violations: result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
      reason: issue.message,
    })),
  };
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
