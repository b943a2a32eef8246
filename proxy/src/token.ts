/**
 * Where the JWT is made: a compact JWS (RFC 7515 §7.1) over the contract's
 * claims, HMAC-SHA-512 (RFC 7518 §3.2) computed by node:crypto through a
 * KeyObject imported once (a string or Buffer key is re-imported on every call).
 *
 * Not jsonwebtoken.sign, for a measured reason (issue #7, docs/performance.md):
 * even with a KeyObject it validates options and payload, copies both and goes
 * through jws/jwa on every call, about twice the cost of the HMAC itself
 * (~28 µs against ~13 µs a token in a loop; in the proxy's CPU profile signing
 * fell from ~87 to ~54 µs of the ~650 µs a signed request costs, about 5%).
 * The bytes are the same: the golden vectors in contracts/ pin them, and the
 * mock upstream verifies with jose.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { JWT_PROTECTED_HEADER, buildClaims } from '../../contracts/src/index.js';
import type { TokenClaims } from '../../contracts/src/index.js';

/** base64url of the protected header, computed once: `{"alg":"HS512","typ":"JWT"}`. */
const ENCODED_HEADER = Buffer.from(JSON.stringify(JWT_PROTECTED_HEADER)).toString('base64url');

export interface SignerOptions {
  /** HMAC key bytes (at least 64 for HS512, checked by the config). */
  readonly key: Buffer;
  /** `payload.user`. */
  readonly user: string;
  /** Epoch milliseconds of the moment a request arrived. */
  readonly now: () => number;
  /** Unique nonce, at least 128 bits from a CSPRNG (crypto.randomUUID in production). */
  readonly randomId: () => string;
}

/** One signed token and its jti (the request log carries the jti, never the token). */
export interface SignedToken {
  readonly token: string;
  readonly jti: string;
}

export type Signer = () => SignedToken;

/** Returns a function that signs one fresh token per call: `{iat, jti, payload: {user, date}}`. */
export function createSigner({ key, user, now, randomId }: SignerOptions): Signer {
  const secret = createSecretKey(key);
  // Within one second only jti changes: the contract's payload (its UTC date costs a
  // Date and an ISO string) is built by buildClaims once per second and reused.
  let lastIat = Number.NaN;
  let lastPayload: TokenClaims['payload'] | undefined;
  return () => {
    const nowMs = now();
    const jti = randomId();
    let claims: TokenClaims;
    if (Math.floor(nowMs / 1000) === lastIat && lastPayload !== undefined) {
      // Same key order as buildClaims: {iat, jti, payload: {user, date}}.
      claims = { iat: lastIat, jti, payload: lastPayload };
    } else {
      // iat comes from the injected clock; buildClaims fixes the key order.
      claims = buildClaims(nowMs, jti, user);
      lastIat = claims.iat;
      lastPayload = claims.payload;
    }
    const signingInput = `${ENCODED_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${signingInput}.${createHmac('sha512', secret).update(signingInput).digest('base64url')}`, jti };
  };
}
