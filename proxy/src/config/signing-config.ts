/**
 * The proxy's token profile and key variables (issue #12), read by config.ts
 * on the same EnvReader so their problems join the one start-up error:
 *
 *   JWT_KEYS_FILE           JWK Set file (RFC 7517); unset: JWT_SECRET signs HS512 with no kid
 *   JWT_TTL_S               exp = iat + ttl; unset: no exp
 *   JWT_NOT_BEFORE_SKEW_S   nbf = iat - skew; unset: no nbf
 *   JWT_ISSUER              iss; unset: no iss
 *   JWT_SUBJECT             sub; unset: no sub
 *   JWT_AUDIENCE            aud; one name a string, a comma list an array; unset: no aud
 */
import type { EnvReader } from '../../../contracts/src/config-error.js';
import type { TokenProfile } from '../../../contracts/src/token-profile.js';
import { readKeyFile } from '../keys/key-ring.js';
import type { KeySetting } from '../keys/key-ring.js';

/** Longest JWT_TTL_S: one year. A token proving one request needs minutes, not years. */
export const MAX_TTL_S = 31_536_000;
/** Longest JWT_NOT_BEFORE_SKEW_S: one day. */
export const MAX_NOT_BEFORE_SKEW_S = 86_400;

export interface SigningConfig {
  readonly profile: TokenProfile;
  readonly keys: KeySetting;
}

/** A comma list becomes an array (RFC 7519 §4.1.3), one name stays a string; blanks between commas are dropped. */
export function parseAudience(value: string): string | string[] | undefined {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) return undefined;
  return names.length === 1 ? names[0] : names;
}

function readProfile(env: EnvReader): TokenProfile {
  const profile: { -readonly [K in keyof TokenProfile]: TokenProfile[K] } = {};
  if (env.raw('JWT_TTL_S') !== undefined) profile.ttlS = env.integer('JWT_TTL_S', 0, 1, MAX_TTL_S, '300');
  if (env.raw('JWT_NOT_BEFORE_SKEW_S') !== undefined) {
    profile.notBeforeSkewS = env.integer('JWT_NOT_BEFORE_SKEW_S', 0, 0, MAX_NOT_BEFORE_SKEW_S, '5');
  }
  const issuer = env.raw('JWT_ISSUER')?.trim();
  if (issuer !== undefined) profile.issuer = issuer;
  const subject = env.raw('JWT_SUBJECT')?.trim();
  if (subject !== undefined) profile.subject = subject;
  const audienceText = env.raw('JWT_AUDIENCE');
  if (audienceText !== undefined) {
    const audience = parseAudience(audienceText);
    if (audience === undefined) {
      env.problem('JWT_AUDIENCE', 'must name at least one audience (a comma list becomes an array)', 'orders-api,billing-api');
    } else {
      profile.audience = audience;
    }
  }
  return Object.freeze(profile);
}

/** Reads the profile and the keys; `secretKey` is JWT_SECRET's decoded key, used when no key file is set. */
export function readSigningConfig(env: EnvReader, secretKey: Buffer): SigningConfig {
  const profile = readProfile(env);
  const path = env.raw('JWT_KEYS_FILE')?.trim();
  if (path === undefined) return { profile, keys: { source: 'secret', key: secretKey } };
  const read = readKeyFile(path);
  if ('problem' in read) {
    env.problem('JWT_KEYS_FILE', `must be a readable JWK Set file whose first key can sign: ${read.problem}`, '/run/secrets/jwt-keys.json');
    return { profile, keys: { source: 'secret', key: secretKey } };
  }
  return { profile, keys: Object.freeze({ source: 'file', path, keys: read.keys }) };
}
