/**
 * The token checks, in order (issue #3, issue #12): the order is written once, in TOKEN_CHECKS.
 * verify.ts runs them and stops at the first failure, so each failure maps to exactly one
 * VerdictCode; diagnose.ts names the failed check from the same list (VERDICT_CHECKS).
 *
 * jose checks the signature with the algorithm pinned (the proxy signs with node:crypto, so the
 * two implementations keep each other honest); everything else is checked here. Time is checked
 * here, not with jose's jwtVerify: its maxTokenAge adds its clock tolerance on top and accepts a
 * fractional iat; exp and nbf get MOCK_CLOCK_SKEW_S as their tolerance, as iat does.
 */
import { compactVerify, errors } from 'jose';
import { JWK_ALGORITHMS, JWT_TYPE, VERDICT_DESCRIPTIONS } from '../../../contracts/src/index.js';
import { checkClaims } from '../../../contracts/src/token-claims.js';
import type { JsonObject, JwkAlgorithm, TokenClaims, VerdictCheck, VerdictCode } from '../../../contracts/src/index.js';
import type { ReplayCache } from './replay-cache.js';
import type { KeyChoice, MockKeys } from './verify-keys.js';

/** What a check needs besides the token, built once per verifier. */
export interface CheckSettings {
  readonly keys: MockKeys;
  readonly clockSkewS: number;
  readonly maxAgeS: number;
  /** MOCK_ISSUER: `iss` must equal it; unset: not checked. */
  readonly issuer?: string;
  /** MOCK_AUDIENCE: `aud` must name one of these; unset: not checked. */
  readonly audiences?: readonly string[];
  readonly replay: ReplayCache;
}

export type Decoded = { header?: JsonObject; claims?: JsonObject };

/**
 * One token as far as the checks have read it. Each field marked with a check's name is set by
 * that check, and read only by the checks after it in TOKEN_CHECKS.
 */
export class TokenUnderCheck {
  readonly values: readonly string[];
  readonly nowMs: number;
  /** The decoded header and claims, whenever they decode: returned with the verdict, valid or not. */
  decoded: Decoded = {};
  /** presence: the one value, trimmed. */
  token!: string;
  /** structure */
  header!: JsonObject;
  /** structure: the claims as decoded, not yet checked against the contract. */
  payload!: JsonObject;
  /** header */
  alg!: JwkAlgorithm;
  /** key */
  key!: Exclude<KeyChoice, { source: 'none' }>;
  /** claims: the claims as the contract reads them. */
  claims!: TokenClaims;

  constructor(values: readonly string[], nowMs: number) {
    this.values = values;
    this.nowMs = nowMs;
  }
}

/** A check's failure: its code and the message; undefined when the check passes. */
export type Problem = readonly [VerdictCode, string] | undefined;

export interface TokenCheck {
  /** As a diagnosis names it (contracts' VerdictCheck). */
  readonly name: VerdictCheck;
  /** The codes reported as this check's failures; a code belongs to exactly one check. */
  readonly codes: readonly VerdictCode[];
  readonly run: (token: TokenUnderCheck, settings: CheckSettings) => Problem | Promise<Problem>;
}

export const TOKEN_CHECKS: readonly TokenCheck[] = Object.freeze([
  { name: 'presence', codes: ['TOKEN_MISSING', 'TOKEN_MULTIPLE'], run: checkPresence },
  { name: 'structure', codes: ['TOKEN_MALFORMED'], run: checkStructure },
  { name: 'header', codes: ['ALG_NOT_ALLOWED', 'TYP_INVALID'], run: checkHeader },
  { name: 'key', codes: ['KID_UNKNOWN'], run: checkKey },
  { name: 'signature', codes: ['SIGNATURE_INVALID'], run: checkSignature },
  { name: 'claims', codes: ['CLAIMS_INVALID'], run: checkClaimsShape },
  { name: 'time', codes: ['TOKEN_FROM_FUTURE', 'TOKEN_STALE', 'TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID'], run: checkTime },
  { name: 'audience', codes: ['ISSUER_INVALID', 'AUDIENCE_INVALID'], run: checkAudience },
  { name: 'replay', codes: ['TOKEN_REPLAYED'], run: checkReplay },
] satisfies TokenCheck[]);

/** Which check each code belongs to, from TOKEN_CHECKS; TOKEN_VALID belongs to none. */
export const VERDICT_CHECKS: Readonly<Partial<Record<VerdictCode, VerdictCheck>>> = Object.freeze(
  Object.fromEntries(TOKEN_CHECKS.flatMap((check) => check.codes.map((code) => [code, check.name]))),
);

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Exactly one value of the token header. */
function checkPresence(token: TokenUnderCheck): Problem {
  const [first] = token.values;
  if (first === undefined) return ['TOKEN_MISSING', VERDICT_DESCRIPTIONS.TOKEN_MISSING];
  if (token.values.length > 1) return ['TOKEN_MULTIPLE', `the token header was sent ${token.values.length} times; exactly one token is allowed`];
  token.token = first.trim();
  return undefined;
}

/** Three base64url parts whose first two are JSON objects. */
function checkStructure(token: TokenUnderCheck): Problem {
  const parts = token.token.split('.');
  const [headerPart, claimsPart, signaturePart] = parts;
  if (parts.length !== 3 || headerPart === undefined || claimsPart === undefined || signaturePart === undefined) {
    return ['TOKEN_MALFORMED', `a compact JWS has 3 dot-separated parts, got ${token.token === '' ? 'an empty value' : parts.length}`];
  }
  if (!parts.every((part) => BASE64URL.test(part))) return ['TOKEN_MALFORMED', 'a compact JWS uses only base64url characters (RFC 7515 §2)'];
  const header = decodeJsonObject(headerPart);
  const claims = decodeJsonObject(claimsPart);
  token.decoded = { ...(header && { header }), ...(claims && { claims }) };
  if (header === undefined) return ['TOKEN_MALFORMED', 'the JOSE header is not a base64url-encoded JSON object'];
  if (claims === undefined) return ['TOKEN_MALFORMED', 'the claims are not a base64url-encoded JSON object'];
  token.header = header;
  token.payload = claims;
  return undefined;
}

/** An alg of contracts' JWK_ALGORITHMS (`none` refused) and typ JWT. */
function checkHeader(token: TokenUnderCheck): Problem {
  const { alg, typ } = token.header;
  if (!isJwkAlgorithm(alg)) return ['ALG_NOT_ALLOWED', `alg is ${JSON.stringify(alg) ?? 'missing'}; only ${JWK_ALGORITHMS.join(', ')} are accepted`];
  if (typ !== JWT_TYPE) return ['TYP_INVALID', `typ is ${JSON.stringify(typ) ?? 'missing'}; it must be "${JWT_TYPE}"`];
  token.alg = alg;
  return undefined;
}

/**
 * verify-keys.ts: no kid -> JWT_SECRET (HS512 only); a kid -> MOCK_KEYS_FILE under that key's own alg,
 * else MOCK_JWKS_URL. KID_UNKNOWN, or ALG_NOT_ALLOWED for a key held under another alg.
 */
function checkKey(token: TokenUnderCheck, settings: CheckSettings): Problem {
  const choice = settings.keys.select({ alg: token.alg, kid: token.header.kid });
  if (choice.source === 'none') return [choice.code, choice.message];
  token.key = choice;
  return undefined;
}

/** jose checks the signature under the chosen key, its algorithm pinned; KID_UNKNOWN when the JWKS has no such kid or cannot be fetched. */
async function checkSignature(token: TokenUnderCheck): Promise<Problem> {
  const choice = token.key;
  try {
    if (choice.source === 'local') await compactVerify(token.token, choice.key.key, { algorithms: [choice.key.alg] });
    else await compactVerify(token.token, choice.getKey, { algorithms: [token.alg] });
    return undefined;
  } catch (error) {
    return joseFailure(error, choice.source === 'jwks' ? choice.url : undefined);
  }
}

/** integer iat, jti >= 16 chars, payload.user non-empty, payload.date = UTC date of iat; exp, nbf, iss, sub, aud well-formed when present. */
function checkClaimsShape(token: TokenUnderCheck): Problem {
  let check;
  try {
    check = checkClaims(token.payload);
  } catch {
    // utcDateOf throws a RangeError for an iat beyond the Date range (year 275760).
    return ['CLAIMS_INVALID', 'iat: is outside the range of dates'];
  }
  if (!check.ok) return ['CLAIMS_INVALID', check.violations.map((v) => `${v.path}: ${v.reason}`).join('; ')];
  token.claims = check.claims;
  return undefined;
}

/** iat within the skew and the maximum age, exp and nbf with the skew as leeway; whole seconds, as NumericDate is (RFC 7519 §2) and as jose's own clock does. */
function checkTime(token: TokenUnderCheck, { clockSkewS: skewS, maxAgeS }: CheckSettings): Problem {
  const nowS = Math.floor(token.nowMs / 1000);
  const { iat, exp, nbf } = token.claims;
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
function checkAudience({ claims }: TokenUnderCheck, settings: CheckSettings): Problem {
  if (settings.issuer !== undefined && claims.iss !== settings.issuer) {
    return ['ISSUER_INVALID', `iss is ${JSON.stringify(claims.iss) ?? 'missing'}; MOCK_ISSUER expects ${JSON.stringify(settings.issuer)}`];
  }
  const expected = settings.audiences;
  if (expected !== undefined && expected.length > 0) {
    const named = claims.aud === undefined ? [] : typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
    if (!named.some((audience) => expected.includes(audience))) {
      return ['AUDIENCE_INVALID', `aud is ${JSON.stringify(claims.aud) ?? 'missing'}; MOCK_AUDIENCE expects one of ${JSON.stringify(expected)}`];
    }
  }
  return undefined;
}

/** The jti not seen within the window (max age + skew); only a token that passed every other check is remembered. */
function checkReplay(token: TokenUnderCheck, settings: CheckSettings): Problem {
  const { jti } = token.claims;
  if (!settings.replay.checkAndRemember(jti, token.nowMs)) return undefined;
  return ['TOKEN_REPLAYED', `jti ${JSON.stringify(jti)} was already seen within the last ${settings.maxAgeS} s`];
}

function isJwkAlgorithm(value: unknown): value is JwkAlgorithm {
  return typeof value === 'string' && (JWK_ALGORITHMS as readonly string[]).includes(value);
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
