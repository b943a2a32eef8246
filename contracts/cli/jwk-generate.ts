/**
 * Fresh signing keys as JWKs (issue #12), for `npm run keys` and the tests:
 * node:crypto's CSPRNG and key generation, exported in the JWK format of
 * RFC 7517 with the `kid`, `alg` and `use` a JWT_KEYS_FILE key needs.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JwkAlgorithm } from '../src/jwk-set.js';

export type Jwk = Readonly<Record<string, unknown>>;

/** RSA modulus for RS256/PS256: RFC 7518 §3.3's minimum, which is also what most issuers use. */
export const GENERATED_RSA_BITS = 2048;

/** A fresh key of `alg` with `kid`, private parts included (oct: the secret, as long as the hash). */
export function generateJwk(alg: JwkAlgorithm, kid: string): Jwk {
  const meta = { kid, alg, use: 'sig' };
  if (alg.startsWith('HS')) return { kty: 'oct', k: randomBytes(Number(alg.slice(2)) / 8).toString('base64url'), ...meta };
  if (alg.startsWith('ES')) {
    const namedCurve = alg === 'ES256' ? 'prime256v1' : 'secp384r1';
    return { ...generateKeyPairSync('ec', { namedCurve }).privateKey.export({ format: 'jwk' }), ...meta };
  }
  return { ...generateKeyPairSync('rsa', { modulusLength: GENERATED_RSA_BITS }).privateKey.export({ format: 'jwk' }), ...meta };
}
