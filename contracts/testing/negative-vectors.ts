/**
 * Negative vectors (issue 14): fixed inputs, each with the verdict code it must
 * get, in contracts/negative-vectors.json, for any implementation to check
 * itself against (as RFC 7520 does for JOSE). Each token is given by its
 * parts (header, claims, key, algorithm, one optional tampering) and by the
 * exact compact JWS those parts give at the file's fixed clock.
 *
 * A verifier run against a live clock cannot be handed tokens from a fixed
 * instant, so `renderToken` also makes the same token for another instant:
 * every NumericDate claim (iat, exp, nbf) moves by the same number of
 * seconds, payload.date keeps its distance in days from the UTC date of iat,
 * and the jti is replaced by a fresh one of the same length (a replay case
 * reuses its token, so it is replayed against a live mock too).
 */
import { readFileSync } from 'node:fs';
import { base64url, craftToken, type CraftAlgorithm } from './craft-token.js';
import { utcDateOf } from '../src/token-contract.js';
import { contractsFile } from './contract-files.js';
import type { VerdictCode } from '../src/verdict.js';

/** One token of a case: its parts, or a raw header value (malformed cases), and the fixed result. */
export interface VectorToken {
  /** The JOSE header: an object, or the exact JSON text. Default {"alg":"HS512","typ":"JWT"}. */
  readonly header?: object | string;
  /** The claims: an object, or the exact JSON text. */
  readonly claims?: object | string;
  /** Name of the key in the file's `keys`. */
  readonly key?: string;
  /** The HMAC computing the signature, independent of the header's alg. Default HS512. */
  readonly alg?: CraftAlgorithm;
  /** Applied after signing: replace the claims or the header segment, or change the signature. */
  readonly tamper?: { readonly claims?: object; readonly header?: object; readonly signature?: 'flip-first-character' };
  /** The header value exactly as sent, for tokens that are not made of parts. */
  readonly raw?: string;
  /** The compact JWS the parts give at `clock.now`: the fixed input. */
  readonly token: string;
}

export interface VectorStep {
  /** Names of the case's tokens, one header line each, in order: [] sends no token header. */
  readonly send: readonly string[];
  readonly expected: VerdictCode;
}

export interface NegativeVector {
  readonly name: string;
  readonly description: string;
  /** The verifier profile the case needs (a key ring, issuer, audience); absent: the default verifier. */
  readonly profile?: string;
  /** True when the verdict depends on the verifier's max age and clock skew being the file's. */
  readonly dependsOnWindows?: boolean;
  readonly tokens: Readonly<Record<string, VectorToken>>;
  readonly steps: readonly VectorStep[];
}

export interface VectorKey {
  readonly description: string;
  /** The HMAC key bytes, hex. */
  readonly hex: string;
  /** For a key in a verifier profile's key ring: its kid and the one alg it is pinned to (RFC 8725 §3.1). */
  readonly kid?: string;
  readonly alg?: 'HS256' | 'HS384' | 'HS512';
}

/** A verifier configured beyond the default (issue 12's token profiles): MOCK_KEYS_FILE, MOCK_ISSUER, MOCK_AUDIENCE. */
export interface VerifierProfile {
  readonly description: string;
  /** Names in `keys` of the ring (MOCK_KEYS_FILE, as the JWK Set profileJwkSet makes). */
  readonly keys: readonly string[];
  readonly issuer: string;
  readonly audience: string;
}

export interface NegativeVectorFile {
  readonly contractVersion: string;
  readonly description: string;
  /** The verifier's settings the verdicts assume: its clock (NumericDate) and windows. */
  readonly clock: { readonly now: number; readonly maxAgeS: number; readonly clockSkewS: number };
  readonly keys: Readonly<Record<string, VectorKey>>;
  readonly profiles: Readonly<Record<string, VerifierProfile>>;
  readonly cases: readonly NegativeVector[];
}

export const NEGATIVE_VECTORS_FILE = contractsFile('negative-vectors.json');

export function loadNegativeVectors(file: URL = NEGATIVE_VECTORS_FILE): NegativeVectorFile {
  return JSON.parse(readFileSync(file, 'utf8')) as NegativeVectorFile;
}

export interface RenderOptions {
  /** Key bytes by name; a live run may swap in the configured secret for `contract`. */
  readonly keys: Readonly<Record<string, Buffer>>;
  /** Seconds to move every NumericDate by (0: the file's fixed clock). */
  readonly shiftS: number;
  /** The jti to use instead of the given one (same length); identity keeps it. */
  readonly jti: (fixed: string) => string;
}

/** The keys of the file as bytes. */
export function vectorKeys(file: NegativeVectorFile): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(file.keys).map(([name, key]) => [name, Buffer.from(key.hex, 'hex')]));
}

/** The JWK Set (RFC 7517 §5) of a verifier profile's ring, for MOCK_KEYS_FILE. */
export function profileJwkSet(file: NegativeVectorFile, name: string): { keys: Record<string, string>[] } {
  const profile = file.profiles[name];
  if (profile === undefined) throw new Error(`no verifier profile ${JSON.stringify(name)}`);
  return {
    keys: profile.keys.map((keyName) => {
      const key = file.keys[keyName];
      if (key?.kid === undefined || key.alg === undefined) throw new Error(`profile ${name}: key ${keyName} needs a kid and an alg`);
      return { kty: 'oct', kid: key.kid, alg: key.alg, use: 'sig', k: Buffer.from(key.hex, 'hex').toString('base64url') };
    }),
  };
}

const NUMERIC_DATES = ['iat', 'exp', 'nbf'] as const;
const DAY_S = 86_400;

/** The claims moved by `shiftS` seconds, with their jti replaced. Strings (raw JSON) stay as they are. */
export function shiftClaims(claims: object | string, options: Pick<RenderOptions, 'shiftS' | 'jti'>): object | string {
  if (typeof claims === 'string') return claims;
  const moved: Record<string, unknown> = { ...claims };
  for (const name of NUMERIC_DATES) {
    const value = moved[name];
    if (typeof value === 'number') moved[name] = value + options.shiftS;
  }
  if (typeof moved.jti === 'string') moved.jti = options.jti(moved.jti);
  const payload = moved.payload;
  const iat = (claims as { iat?: unknown }).iat;
  if (typeof payload === 'object' && payload !== null && typeof iat === 'number' && typeof moved.iat === 'number') {
    const date = (payload as { date?: unknown }).date;
    if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
      const offsetDays = Math.round((Date.parse(date) - Date.parse(utcDateOf(iat))) / (DAY_S * 1000));
      moved.payload = { ...payload, date: utcDateOf(moved.iat + offsetDays * DAY_S) };
    }
  }
  return moved;
}

/** The compact JWS a vector token gives under `options` (at the fixed clock with identity jti: its `token`). */
export function renderToken(spec: VectorToken, options: RenderOptions): string {
  if (spec.raw !== undefined) return spec.raw;
  if (spec.claims === undefined) throw new Error('a vector token needs claims or raw');
  const keyName = spec.key ?? 'contract';
  const key = options.keys[keyName];
  if (key === undefined) throw new Error(`a vector token names the unknown key ${JSON.stringify(keyName)}`);
  const token = craftToken({
    claims: shiftClaims(spec.claims, options),
    key,
    ...(spec.header !== undefined && { header: spec.header }),
    ...(spec.alg !== undefined && { algorithm: spec.alg }),
  });
  return tamper(token, spec.tamper, options);
}

function tamper(token: string, change: VectorToken['tamper'], options: RenderOptions): string {
  if (change === undefined) return token;
  const parts = token.split('.');
  if (change.header !== undefined) parts[0] = base64url(JSON.stringify(change.header));
  if (change.claims !== undefined) parts[1] = base64url(JSON.stringify(shiftClaims(change.claims, options)));
  if (change.signature === 'flip-first-character') {
    // The first character: the last one may carry only padding bits.
    const signature = parts[2] ?? '';
    parts[2] = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  }
  return parts.join('.');
}
