/**
 * Golden vectors: fixed inputs with the exact token the contract requires.
 * Both the proxy's signer and jose's SignJWT must produce these to the byte.
 */
import { readFileSync } from 'node:fs';
import type { SecretEncoding } from '../src/token-config.js';
import type { TokenClaims } from '../src/token-contract.js';
import type { TokenProfile } from '../src/token-profile.js';

export interface GoldenVector {
  readonly name: string;
  readonly secret: string;
  readonly secretEncoding: SecretEncoding;
  readonly nowMs: number;
  readonly jti: string;
  readonly user: string;
  readonly expectedClaims: TokenClaims;
  readonly expectedToken: string;
}

/** Loads contracts/golden-vectors.json (read from the source tree, so the compiled and source layouts agree). */
export function loadGoldenVectors(): readonly GoldenVector[] {
  const url = new URL('../../../contracts/golden-vectors.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { vectors: GoldenVector[] };
  return parsed.vectors;
}

/** One token profile vector (contracts/profile-vectors.json, issue #12). */
export interface ProfileVector {
  readonly name: string;
  /** The key of the file's `keys` set that signs; null for JWT_SECRET (no kid in the header). */
  readonly kid: string | null;
  readonly nowMs: number;
  readonly jti: string;
  readonly user: string;
  readonly profile: TokenProfile;
  readonly expectedHeader: Readonly<Record<string, string>>;
  readonly expectedClaims: TokenClaims;
  /** `header.claims`, base64url: pinned for every algorithm. */
  readonly expectedSigningInput: string;
  /** The whole token, for deterministic algorithms (HS*, RS256); PS256 and ES* signatures are randomised. */
  readonly expectedToken?: string;
}

export interface ProfileVectorFile {
  /** JWT_SECRET for the vectors with a null kid. */
  readonly secret: string;
  readonly secretEncoding: SecretEncoding;
  /** The vectors' JWK Set, with private parts: test keys, published, never for real use. */
  readonly keys: { readonly keys: readonly Record<string, unknown>[] };
  readonly vectors: readonly ProfileVector[];
}

/** Loads contracts/profile-vectors.json. */
export function loadProfileVectors(): ProfileVectorFile {
  const url = new URL('../../../contracts/profile-vectors.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ProfileVectorFile;
}
