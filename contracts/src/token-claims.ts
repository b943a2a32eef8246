/**
 * The claims contract as a runtime schema (zod): what the mock's verifier and the contract suites
 * check a token's claims against. Apart from token-contract.ts and out of the index on purpose:
 * zod costs a process about 12 MB of RSS at load, and the proxy, which only builds claims, never
 * needs it (issue #22: peak RSS).
 */
import { z } from 'zod';
import { MIN_JTI_LENGTH, utcDateOf } from './token-contract.js';
import type { TokenClaims } from './token-contract.js';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const numericDate = (): z.ZodNumber => z.number().int('must be an integer NumericDate (RFC 7519 §2)').nonnegative();
const nonEmpty = (): z.ZodString => z.string().min(1, 'must be a non-empty string');

/** The opt-in registered claims of a token profile (issue #12); each is absent unless configured. */
export const profileClaimsSchema = z.object({
  exp: numericDate().optional(),
  nbf: numericDate().optional(),
  iss: nonEmpty().optional(),
  sub: nonEmpty().optional(),
  aud: z.union([nonEmpty(), z.array(nonEmpty()).min(1, 'must list at least one audience')]).optional(),
});

/**
 * Runtime schema of the claims. Relations to the clock (iat age, exp, nbf) and
 * to the verifier's expectations (iss, aud) are checked by the verifier, not here.
 */
export const tokenClaimsSchema = z
  .object({
    iat: numericDate(),
    jti: z.string().min(MIN_JTI_LENGTH, `must be a string of at least ${MIN_JTI_LENGTH} characters`),
    payload: z.object({
      user: nonEmpty(),
      date: z.string().regex(DATE_PATTERN, 'must be a date as YYYY-MM-DD'),
    }),
  })
  .extend(profileClaimsSchema.shape)
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
