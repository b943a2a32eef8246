/**
 * Where the JWT is made: jsonwebtoken's `sign` (issue #12), a compact JWS
 * (RFC 7515 §7.1) over the contract's claims, with the active key of the ring.
 *
 * Kept cheap on the hot path (the bench counts it; issue #22), from reading jsonwebtoken's sign.js:
 * - keys are KeyObjects made once per key (a string or Buffer is re-imported on every call);
 * - the claims are handed over as a JSON string, not an object: jsonwebtoken then skips its
 *   payload validation (lodash isPlainObject and a validator per claim) and its copy. The
 *   claims after `jti` (the UTC date, the profile's claims) are serialised once per second,
 *   so a token costs one `iat`, one `jti` and a concatenation;
 * - a string payload gets no `typ` from jsonwebtoken, so the JOSE header is given whole
 *   through the `header` option, built once per key in jsonwebtoken's own key order
 *   (`alg`, `typ`, `kid`);
 * - exp, nbf, iss, sub and aud are in the claims we build, never `expiresIn`, `notBefore`,
 *   `issuer`, ... options (which a string payload refuses anyway).
 * With `{alg: HS512}` and no kid the header is `{"alg":"HS512","typ":"JWT"}` and the bytes
 * are the assignment's: contracts/golden-vectors.json pins them, jose reproduces them.
 */
import jwt from 'jsonwebtoken';
import type { SignOptions } from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { claimsAfterJti } from '../../../contracts/src/token-profile.js';
import type { ClaimsAfterJti, TokenProfile } from '../../../contracts/src/token-profile.js';
import type { JwkAlgorithm } from '../../../contracts/src/jwk-set.js';

/** The key a token is signed with. */
export interface SigningKey {
  readonly alg: JwkAlgorithm;
  /** Goes in the JOSE header; undefined for JWT_SECRET, whose token carries no kid. */
  readonly kid: string | undefined;
  /** A secret (HS*) or private (RS/PS/ES) KeyObject. */
  readonly key: KeyObject;
}

/** Where the signer finds the key to use now; the key ring swaps `current` on reload. */
export interface SigningKeySource {
  readonly current: SigningKey;
}

export interface SignerOptions {
  readonly keys: SigningKeySource;
  /** `payload.user`. */
  readonly user: string;
  /** Opt-in registered claims; `{}` is the assignment's token. */
  readonly profile: TokenProfile;
  /** Epoch milliseconds of the moment a request arrived. */
  readonly now: () => number;
  /** Unique nonce, at least 128 bits from a CSPRNG. */
  readonly randomId: () => string;
}

/** One signed token and its `jti` (the request log line carries the jti, never the token). */
export interface SignedToken {
  readonly token: string;
  readonly jti: string;
}

/** `user`: the authenticated name for `payload.user` (issue #24); undefined signs the configured one. */
export type Signer = (user?: string) => SignedToken;

/** The sign options for one key, made once per key: the whole JOSE header, in jsonwebtoken's key order. */
function signOptionsFor(key: SigningKey): SignOptions {
  const header: { alg: JwkAlgorithm; typ: string; kid?: string } = { alg: key.alg, typ: 'JWT' };
  if (key.kid !== undefined) header.kid = key.kid;
  return { algorithm: key.alg, header };
}

/** `,"payload":{...}}`: the claims after `jti` and the closing brace, serialised once, to follow the jti. */
function serialisedRest(rest: ClaimsAfterJti): string {
  return `,${JSON.stringify(rest).slice(1)}`;
}

/** Returns a function that signs one fresh token per call: `{iat, jti, payload, ...profile claims}`. */
export function createSigner({ keys, user: defaultUser, profile, now, randomId }: SignerOptions): Signer {
  let lastIat = Number.NaN;
  let lastUser = defaultUser;
  let rest = '';
  let optionsKey: SigningKey | undefined;
  let options: SignOptions = {};
  return (user = defaultUser) => {
    const key = keys.current;
    if (key !== optionsKey) {
      options = signOptionsFor(key);
      optionsKey = key;
    }
    const iat = Math.floor(now() / 1000);
    // Re-serialised when the second or the name changes: one client's run of requests reuses it.
    if (iat !== lastIat || user !== lastUser) {
      rest = serialisedRest(claimsAfterJti(iat, user, profile));
      lastIat = iat;
      lastUser = user;
    }
    const jti = randomId();
    // The bytes JSON.stringify({ iat, jti, ...rest }) gives, in claim order (golden vectors).
    const claims = `{"iat":${iat},"jti":${JSON.stringify(jti)}${rest}`;
    return { token: jwt.sign(claims, key.key, options), jti };
  };
}
