/**
 * Token crafting for the tests, with node:crypto only: independent of the
 * proxy's signer (jsonwebtoken in proxy/src/keys/signer.ts) and of the verifier under test (jose).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { DEFAULT_JWT_SECRET } from '../../contracts/src/index.js';

export const SECRET_KEY = Buffer.from(DEFAULT_JWT_SECRET, 'utf8');

export function b64url(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function hs(algorithm: 'sha512' | 'sha256', key: Buffer, signingInput: string): string {
  return createHmac(algorithm, key).update(signingInput).digest('base64url');
}

export interface CraftOptions {
  header?: unknown;
  claims?: unknown;
  key?: Buffer;
  hash?: 'sha512' | 'sha256';
}

/** A compact JWS over raw JSON parts, signed with HMAC (SHA-512 unless told otherwise). */
export function craft(options: CraftOptions = {}): string {
  const header = options.header ?? { alg: 'HS512', typ: 'JWT' };
  const signingInput = `${b64url(header)}.${b64url(options.claims ?? {})}`;
  return `${signingInput}.${hs(options.hash ?? 'sha512', options.key ?? SECRET_KEY, signingInput)}`;
}

export function utcDate(iat: number): string {
  return new Date(iat * 1000).toISOString().slice(0, 10);
}

/** Claims as the contract wants them, issued at `iat` (seconds). */
export function claimsAt(iat: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iat,
    jti: randomBytes(16).toString('hex'),
    payload: { user: 'username', date: utcDate(iat) },
    ...overrides,
  };
}

/** A valid token issued at `iat` (seconds). */
export function validToken(iat: number, overrides: Record<string, unknown> = {}): string {
  return craft({ claims: claimsAt(iat, overrides) });
}
