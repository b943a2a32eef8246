/**
 * Which key verifies a token (issue #12), chosen from its JOSE header:
 *
 *   no kid          JWT_SECRET, HS512 only: the assignment's token, as before
 *   kid in the file MOCK_KEYS_FILE's key with that kid, and only under its own alg
 *                   (RFC 8725 §3.1: a key is never tried under another algorithm)
 *   other kid       MOCK_JWKS_URL through jose's createRemoteJWKSet, which matches
 *                   kid and alg and refetches the set when it meets an unknown kid
 *   none of these   KID_UNKNOWN
 *
 * `configuredKeys()` lists the local keys (JWT_SECRET and the file's), so a
 * diagnosis can ask whether a token would verify under another one.
 */
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { JWT_ALGORITHM } from '../../../contracts/src/index.js';
import type { JwkAlgorithm, SetKey, VerdictCode } from '../../../contracts/src/index.js';

/** A key the mock holds itself. `kid` is undefined for JWT_SECRET. */
export interface LocalKey {
  readonly kid: string | undefined;
  readonly alg: JwkAlgorithm;
  readonly key: KeyObject;
}

export interface MockKeyOptions {
  /** JWT_SECRET's bytes: verifies tokens without a kid. */
  readonly secret: Buffer;
  /** MOCK_KEYS_FILE's keys, or none. */
  readonly fileKeys?: readonly SetKey[];
  /** MOCK_JWKS_URL, or undefined. */
  readonly jwksUrl?: URL;
  /** jose's cooldown between two fetches of the set (MOCK_JWKS_COOLDOWN_MS). */
  readonly jwksCooldownMs?: number;
}

export type KeyChoice =
  | { readonly source: 'local'; readonly key: LocalKey }
  | { readonly source: 'jwks'; readonly getKey: JWTVerifyGetKey; readonly url: string }
  | { readonly source: 'none'; readonly code: VerdictCode; readonly message: string };

export interface MockKeys {
  select(header: { readonly alg: JwkAlgorithm; readonly kid?: unknown }): KeyChoice;
  configuredKeys(): readonly LocalKey[];
}

export function createMockKeys(options: MockKeyOptions): MockKeys {
  const secret: LocalKey = { kid: undefined, alg: JWT_ALGORITHM, key: createSecretKey(options.secret) };
  const fileKeys: LocalKey[] = (options.fileKeys ?? []).map((k) => ({ kid: k.kid, alg: k.alg, key: k.verifyKey }));
  const byKid = new Map(fileKeys.map((k) => [k.kid, k]));
  const url = options.jwksUrl;
  const remote = url === undefined ? undefined : createRemoteJWKSet(url, { cooldownDuration: options.jwksCooldownMs ?? 30_000 });
  const all: readonly LocalKey[] = Object.freeze([secret, ...fileKeys]);

  return {
    configuredKeys: () => all,
    select(header) {
      if (header.kid === undefined) {
        if (header.alg !== JWT_ALGORITHM) {
          return { source: 'none', code: 'ALG_NOT_ALLOWED', message: `alg is "${header.alg}" without a kid; only ${JWT_ALGORITHM} (JWT_SECRET) is accepted without one` };
        }
        return { source: 'local', key: secret };
      }
      if (typeof header.kid !== 'string') return { source: 'none', code: 'KID_UNKNOWN', message: 'kid must be a string' };
      const local = byKid.get(header.kid);
      if (local !== undefined) {
        if (local.alg !== header.alg) {
          return { source: 'none', code: 'ALG_NOT_ALLOWED', message: `alg is "${header.alg}", but key ${JSON.stringify(header.kid)} is for ${local.alg} only` };
        }
        return { source: 'local', key: local };
      }
      if (remote !== undefined && url !== undefined) return { source: 'jwks', getKey: remote, url: url.href };
      const where = url === undefined ? 'MOCK_KEYS_FILE' : 'MOCK_KEYS_FILE or MOCK_JWKS_URL';
      return { source: 'none', code: 'KID_UNKNOWN', message: `no key with kid ${JSON.stringify(header.kid)} in ${where}` };
    },
  };
}
