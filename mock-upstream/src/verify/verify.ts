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
 *   3. header           ALG_NOT_ALLOWED (an alg outside contracts' JWK_ALGORITHMS, `none`
 *                       included), TYP_INVALID
 *   4. key              KID_UNKNOWN, ALG_NOT_ALLOWED (verify-keys.ts: no kid -> JWT_SECRET,
 *                       HS512 only; a kid -> MOCK_KEYS_FILE under that key's alg, else MOCK_JWKS_URL)
 *   5. signature        SIGNATURE_INVALID (jose compactVerify, algorithms pinned to the key's);
 *                       KID_UNKNOWN when the JWKS has no such kid or cannot be fetched
 *   6. claims shape     CLAIMS_INVALID (contracts' checkClaims: integer iat, jti >= 16 chars,
 *                       payload.user non-empty, payload.date = UTC date of iat; exp, nbf,
 *                       iss, sub, aud well-formed when present)
 *   7. time             TOKEN_FROM_FUTURE, TOKEN_STALE, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID
 *                       (checked here, not with jose's jwtVerify: its maxTokenAge adds its
 *                       clock tolerance on top and accepts a fractional iat; exp and nbf get
 *                       MOCK_CLOCK_SKEW_S as their tolerance, as iat does)
 *   8. audience         ISSUER_INVALID (MOCK_ISSUER), AUDIENCE_INVALID (MOCK_AUDIENCE), when set
 *   9. replay           TOKEN_REPLAYED (jti seen within the window)
 *
 * The decoded header and claims are returned whenever they decode, valid or not,
 * so a person can see what was sent.
 */
import { compactVerify, errors } from 'jose';
import { checkClaims, JWK_ALGORITHMS, JWT_TYPE, VERDICT_DESCRIPTIONS } from '../../../contracts/src/index.js';
import type { JsonObject, JwkAlgorithm, SetKey, TokenClaims, TokenVerdict, VerdictCode } from '../../../contracts/src/index.js';
export type { TokenVerdict } from '../../../contracts/src/index.js';
import type { ReplayCache } from './replay-cache.js';
import { createMockKeys } from './verify-keys.js';
import type { KeyChoice, MockKeys } from './verify-keys.js';

export interface VerifierOptions {
  /** HMAC key bytes (contracts' readTokenConfig): verifies tokens without a kid. */
  readonly key: Buffer;
  /** MOCK_KEYS_FILE's keys (issue #12). */
  readonly fileKeys?: readonly SetKey[];
  /** MOCK_JWKS_URL (issue #12). */
  readonly jwksUrl?: URL;
  readonly jwksCooldownMs?: number;
  /** MOCK_ISSUER: `iss` must equal it; unset: not checked. */
  readonly issuer?: string;
  /** MOCK_AUDIENCE: `aud` must name one of these; unset: not checked. */
  readonly audiences?: readonly string[];
  readonly clockSkewS: number;
  readonly maxAgeS: number;
  readonly replay: ReplayCache;
}

/** The verifier and the keys it chooses from (a diagnosis may try the others). */
export type Verifier = ((values: readonly string[], nowMs: number) => Promise<TokenVerdict>) & { readonly keys: MockKeys };


const BASE64URL = /^[A-Za-z0-9_-]*$/;

type Decoded = { header?: JsonObject; claims?: JsonObject };

export function createVerifier(options: VerifierOptions): Verifier {
  const keys = createMockKeys({
    secret: options.key,
    ...(options.fileKeys && { fileKeys: options.fileKeys }),
    ...(options.jwksUrl && { jwksUrl: options.jwksUrl }),
    ...(options.jwksCooldownMs !== undefined && { jwksCooldownMs: options.jwksCooldownMs }),
  });
  const { clockSkewS, maxAgeS, replay } = options;

  const verifier = async (values: readonly string[], nowMs: number): Promise<TokenVerdict> => {
    const [first] = values;
    if (first === undefined) return fail(false, 'TOKEN_MISSING', VERDICT_DESCRIPTIONS.TOKEN_MISSING);
    if (values.length > 1) {
      return fail(true, 'TOKEN_MULTIPLE', `the token header was sent ${values.length} times; exactly one token is allowed`);
    }
    const token = first.trim();
    const parsed = parseCompact(token);
    if ('code' in parsed) return fail(true, parsed.code, parsed.message, parsed.decoded);
    const { header, claims, decoded } = parsed;

    if (!isJwkAlgorithm(header.alg)) {
      return fail(true, 'ALG_NOT_ALLOWED', `alg is ${JSON.stringify(header.alg) ?? 'missing'}; only ${JWK_ALGORITHMS.join(', ')} are accepted`, decoded);
    }
    if (header.typ !== JWT_TYPE) {
      return fail(true, 'TYP_INVALID', `typ is ${JSON.stringify(header.typ) ?? 'missing'}; it must be "${JWT_TYPE}"`, decoded);
    }
    const signature = await verifySignature(token, keys.select({ alg: header.alg, kid: header.kid }), header.alg);
    if (signature !== undefined) return fail(true, ...signature, decoded);

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
    const problem = timeProblem(check.claims, nowMs, clockSkewS, maxAgeS) ?? audienceProblem(check.claims, options);
    if (problem !== undefined) return fail(true, ...problem, decoded);
    const { jti } = check.claims;
    if (replay.checkAndRemember(jti, nowMs)) {
      return fail(true, 'TOKEN_REPLAYED', `jti ${JSON.stringify(jti)} was already seen within the last ${maxAgeS} s`, decoded);
    }
    return { present: true, valid: true, code: 'TOKEN_VALID', message: VERDICT_DESCRIPTIONS.TOKEN_VALID, ...decoded };
  };
  return Object.assign(verifier, { keys });
}

/** Three base64url parts whose first two are JSON objects, or the TOKEN_MALFORMED reason. */
function parseCompact(
  token: string,
): { header: JsonObject; claims: JsonObject; decoded: Decoded } | { code: VerdictCode; message: string; decoded?: Decoded } {
  const parts = token.split('.');
  const [headerPart, claimsPart, signaturePart] = parts;
  if (parts.length !== 3 || headerPart === undefined || claimsPart === undefined || signaturePart === undefined) {
    return { code: 'TOKEN_MALFORMED', message: `a compact JWS has 3 dot-separated parts, got ${token === '' ? 'an empty value' : parts.length}` };
  }
  if (!parts.every((part) => BASE64URL.test(part))) {
    return { code: 'TOKEN_MALFORMED', message: 'a compact JWS uses only base64url characters (RFC 7515 §2)' };
  }
  const header = decodeJsonObject(headerPart);
  const claims = decodeJsonObject(claimsPart);
  const decoded = { ...(header && { header }), ...(claims && { claims }) };
  if (header === undefined) return { code: 'TOKEN_MALFORMED', message: 'the JOSE header is not a base64url-encoded JSON object', decoded };
  if (claims === undefined) return { code: 'TOKEN_MALFORMED', message: 'the claims are not a base64url-encoded JSON object', decoded };
  return { header, claims, decoded };
}

function isJwkAlgorithm(value: unknown): value is JwkAlgorithm {
  return typeof value === 'string' && (JWK_ALGORITHMS as readonly string[]).includes(value);
}

/** jose checks the signature under the chosen key, its algorithm pinned; undefined when it verifies. */
async function verifySignature(token: string, choice: KeyChoice, alg: JwkAlgorithm): Promise<[VerdictCode, string] | undefined> {
  if (choice.source === 'none') return [choice.code, choice.message];
  try {
    if (choice.source === 'local') await compactVerify(token, choice.key.key, { algorithms: [choice.key.alg] });
    else await compactVerify(token, choice.getKey, { algorithms: [alg] });
    return undefined;
  } catch (error) {
    return joseFailure(error, choice.source === 'jwks' ? choice.url : undefined);
  }
}

/** Whole seconds, as NumericDate is (RFC 7519 §2) and as jose's own clock does. */
function timeProblem(claims: TokenClaims, nowMs: number, skewS: number, maxAgeS: number): [VerdictCode, string] | undefined {
  const nowS = Math.floor(nowMs / 1000);
  const { iat, exp, nbf } = claims;
  if (iat - nowS > skewS) return ['TOKEN_FROM_FUTURE', `iat is ${iat - nowS} s in the future; the allowed clock skew is ${skewS} s`];
  if (nowS - iat > maxAgeS) return ['TOKEN_STALE', `iat is ${nowS - iat} s old; the maximum age is ${maxAgeS} s`];
  // RFC 7519 §4.1.4: not accepted on or after exp; §4.1.5: not before nbf; both with the skew as leeway.
  if (exp !== undefined && nowS - skewS >= exp) {
    return ['TOKEN_EXPIRED', `exp was ${nowS - exp} s ago; the allowed clock skew is ${skewS} s`];
  }
  if (nbf !== undefined && nbf - nowS > skewS) {
    return ['TOKEN_NOT_YET_VALID', `nbf is ${nbf - nowS} s in the future; the allowed clock skew is ${skewS} s`];
  }
  return undefined;
}

/** RFC 7519 §4.1.1 and §4.1.3, checked only when the mock is told what to expect. */
function audienceProblem(claims: TokenClaims, options: VerifierOptions): [VerdictCode, string] | undefined {
  if (options.issuer !== undefined && claims.iss !== options.issuer) {
    return ['ISSUER_INVALID', `iss is ${JSON.stringify(claims.iss) ?? 'missing'}; MOCK_ISSUER expects ${JSON.stringify(options.issuer)}`];
  }
  const expected = options.audiences;
  if (expected !== undefined && expected.length > 0) {
    const named = claims.aud === undefined ? [] : typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!named.some((audience) => expected.includes(audience))) {
      return ['AUDIENCE_INVALID', `aud is ${JSON.stringify(claims.aud) ?? 'missing'}; MOCK_AUDIENCE expects one of ${JSON.stringify(expected)}`];
    }
  }
  return undefined;
}

function fail(
  present: boolean,
  code: VerdictCode,
  message: string,
  decoded: { header?: JsonObject; claims?: JsonObject } = {},
): TokenVerdict {
  return { present, valid: false, code, message, ...decoded };
}

/** Maps jose's error to a verdict; matched on jose's error classes, not on their messages. */
function joseFailure(error: unknown, jwksUrl: string | undefined): [VerdictCode, string] {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return ['SIGNATURE_INVALID', VERDICT_DESCRIPTIONS.SIGNATURE_INVALID];
  }
  if (error instanceof errors.JWKSNoMatchingKey) return ['KID_UNKNOWN', `the JWKS at ${jwksUrl ?? 'MOCK_JWKS_URL'} has no key for this kid and alg`];
  if (jwksUrl !== undefined && !(error instanceof errors.JWSInvalid)) {
    // JWKSTimeout, JWKSInvalid or a refused fetch: the key cannot be known.
    const detail = error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.message : String(error);
    return ['KID_UNKNOWN', `the JWKS at ${jwksUrl} could not be used (${detail})`];
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
