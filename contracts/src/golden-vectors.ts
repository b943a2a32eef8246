/**
 * Golden vectors: fixed inputs with the exact token the contract requires.
 * Both the proxy's signer and jose's SignJWT must produce these to the byte.
 */
import { readFileSync } from 'node:fs';
import type { SecretEncoding } from './token-config.js';
import type { TokenClaims } from './token-contract.js';

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
