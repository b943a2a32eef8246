/**
 * Independent verification of the proxy's token (issue #3).
 *
 * The proxy signs with node:crypto (HMAC over the contract's bytes); the mock
 * verifies with jose, so the two implementations keep each other honest. jose
 * checks the HS512 signature with the algorithm pinned; everything else is
 * checked here, in this order, so each failure maps to exactly one VerdictCode:
 *
 *   1. presence         TOKEN_MISSING, TOKEN_MULTIPLE
 *   2. structure        TOKEN_MALFORMED (three base64url parts, JSON object header and claims)
 *   3. header           ALG_NOT_ALLOWED (anything but HS512, `none` included), TYP_INVALID
 *   4. signature        SIGNATURE_INVALID (jose compactVerify, algorithms: ['HS512'])
 *   5. claims shape     CLAIMS_INVALID (contracts' checkClaims: integer iat, jti >= 16 chars,
 *                       payload.user non-empty, payload.date = UTC date of iat)
 *   6. time             TOKEN_FROM_FUTURE, TOKEN_STALE (checked here, not with jose's
 *                       maxTokenAge: that adds its clock tolerance on top and accepts a fractional iat)
 *   7. replay           TOKEN_REPLAYED (jti seen within the window)
 *
 * The decoded header and claims are returned whenever they decode, valid or not,
 * so a person can see what was sent.
 */
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { compactVerify, errors } from 'jose';
import { checkClaims, JWT_ALGORITHM, JWT_TYPE, VERDICT_DESCRIPTIONS } from '../../contracts/src/index.js';
import type { JsonObject, TokenVerdict, VerdictCode } from '../../contracts/src/index.js';
export type { TokenVerdict } from '../../contracts/src/index.js';
import type { ReplayCache } from './replay-cache.js';

export interface VerifierOptions {
  /** HMAC key bytes (contracts' readTokenConfig). */
  readonly key: Buffer;
  readonly clockSkewS: number;
  readonly maxAgeS: number;
  readonly replay: ReplayCache;
}

/** Verifies the values of the token header as received (one per occurrence) at `nowMs`. */
export type Verifier = (values: readonly string[], nowMs: number) => Promise<TokenVerdict>;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function createVerifier(options: VerifierOptions): Verifier {
  const key: KeyObject = createSecretKey(options.key);
  const { clockSkewS, maxAgeS, replay } = options;

  return async (values, nowMs) => {
    const [first] = values;
    if (first === undefined) return fail(false, 'TOKEN_MISSING', VERDICT_DESCRIPTIONS.TOKEN_MISSING);
    if (values.length > 1) {
      return fail(true, 'TOKEN_MULTIPLE', `the token header was sent ${values.length} times; exactly one token is allowed`);
    }
    const token = first.trim();

    const parts = token.split('.');
    const [headerPart, claimsPart, signaturePart] = parts;
    if (parts.length !== 3 || headerPart === undefined || claimsPart === undefined || signaturePart === undefined) {
      return fail(true, 'TOKEN_MALFORMED', `a compact JWS has 3 dot-separated parts, got ${token === '' ? 'an empty value' : parts.length}`);
    }
    if (!parts.every((part) => BASE64URL.test(part))) {
      return fail(true, 'TOKEN_MALFORMED', 'a compact JWS uses only base64url characters (RFC 7515 §2)');
    }
    const header = decodeJsonObject(headerPart);
    const claims = decodeJsonObject(claimsPart);
    const decoded = { ...(header && { header }), ...(claims && { claims }) };
    if (header === undefined) {
      return fail(true, 'TOKEN_MALFORMED', 'the JOSE header is not a base64url-encoded JSON object', decoded);
    }
    if (claims === undefined) {
      return fail(true, 'TOKEN_MALFORMED', 'the claims are not a base64url-encoded JSON object', decoded);
    }

    if (header.alg !== JWT_ALGORITHM) {
      return fail(true, 'ALG_NOT_ALLOWED', `alg is ${JSON.stringify(header.alg) ?? 'missing'}; only ${JWT_ALGORITHM} is accepted`, decoded);
    }
    if (header.typ !== JWT_TYPE) {
      return fail(true, 'TYP_INVALID', `typ is ${JSON.stringify(header.typ) ?? 'missing'}; it must be "${JWT_TYPE}"`, decoded);
    }

    try {
      await compactVerify(token, key, { algorithms: [JWT_ALGORITHM] });
    } catch (error) {
      return fail(true, ...joseFailure(error), decoded);
    }

    let check;
    try {
      check = checkClaims(claims);
    } catch {
      // utcDateOf throws a RangeError for an iat beyond the Date range (year 275760).
      return fail(true, 'CLAIMS_INVALID', 'iat: is outside the range of dates', decoded);
    }
    if (!check.ok) {
      const reasons = check.violations.map((v) => `${v.path}: ${v.reason}`).join('; ');
      return fail(true, 'CLAIMS_INVALID', reasons, decoded);
    }

    // Whole seconds, as NumericDate is (RFC 7519 §2) and as jose's own clock does.
    const nowS = Math.floor(nowMs / 1000);
    const { iat, jti } = check.claims;
    if (iat - nowS > clockSkewS) {
      return fail(true, 'TOKEN_FROM_FUTURE', `iat is ${iat - nowS} s in the future; the allowed clock skew is ${clockSkewS} s`, decoded);
    }
    if (nowS - iat > maxAgeS) {
      return fail(true, 'TOKEN_STALE', `iat is ${nowS - iat} s old; the maximum age is ${maxAgeS} s`, decoded);
    }
    if (replay.checkAndRemember(jti, nowMs)) {
      return fail(true, 'TOKEN_REPLAYED', `jti ${JSON.stringify(jti)} was already seen within the last ${maxAgeS} s`, decoded);
    }
    return { present: true, valid: true, code: 'TOKEN_VALID', message: VERDICT_DESCRIPTIONS.TOKEN_VALID, ...decoded };
  };
}

function fail(
  present: boolean,
  code: VerdictCode,
  message: string,
  decoded: { header?: JsonObject; claims?: JsonObject } = {},
): TokenVerdict {
  return { present, valid: false, code, message, ...decoded };
}

/** Maps jose's error to a verdict; matched on jose's stable `code`, not on its message. */
function joseFailure(error: unknown): [VerdictCode, string] {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return ['SIGNATURE_INVALID', VERDICT_DESCRIPTIONS.SIGNATURE_INVALID];
  }
  /* c8 ignore next 3 -- the header's alg is checked before jose sees the token */
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return ['ALG_NOT_ALLOWED', VERDICT_DESCRIPTIONS.ALG_NOT_ALLOWED];
  }
  const detail = error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : String(error);
  return ['TOKEN_MALFORMED', `jose rejected the token (${detail})`];
}

function decodeJsonObject(part: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}
