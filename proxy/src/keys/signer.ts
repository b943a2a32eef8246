/**
 * Where the JWT is made: jsonwebtoken's `sign` (issue #12), a compact JWS
 * (RFC 7515 §7.1) over the contract's claims, with the active key of the ring.
 *
 * Kept cheap on the hot path (the bench counts it), from reading jsonwebtoken's sign.js:
 * - keys are KeyObjects made once per key (a string or Buffer is re-imported on every call);
 * - exp, nbf, iss, sub and aud go in the claims we build, not through `expiresIn`,
 *   `notBefore`, `issuer`, ... options: each option costs a validator call and a copy,
 *   and `expiresIn` a timespan parse;
 * - the options object is built once per key: `algorithm`, `keyid` only when the key
 *   has one (an undefined `keyid` fails its validator), and `mutatePayload`, since
 *   each call hands over a fresh claims object jsonwebtoken may keep;
 * - the claims after `jti` (the UTC date, the profile's claims) are built once per second.
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

export type Signer = () => SignedToken;

/** The sign options for one key, made once per key. */
function signOptionsFor(key: SigningKey): SignOptions {
  const options: SignOptions = { algorithm: key.alg, mutatePayload: true };
  if (key.kid !== undefined) options.keyid = key.kid;
  return options;
}

/** Returns a function that signs one fresh token per call: `{iat, jti, payload, ...profile claims}`. */
export function createSigner({ keys, user, profile, now, randomId }: SignerOptions): Signer {
  let lastIat = Number.NaN;
  let rest: ClaimsAfterJti | undefined;
  let optionsKey: SigningKey | undefined;
  let options: SignOptions = {};
  return () => {
    const key = keys.current;
    if (key !== optionsKey) {
      options = signOptionsFor(key);
      optionsKey = key;
    }
    const iat = Math.floor(now() / 1000);
    if (iat !== lastIat || rest === undefined) {
      rest = claimsAfterJti(iat, user, profile);
      lastIat = iat;
    }
    const jti = randomId();
    // A fresh object per call in claim order; jsonwebtoken keeps iat (it only
    // falls back to its own clock for a falsy iat, the first second of 1970).
    const claims = { iat, jti, ...rest };
    return { token: jwt.sign(claims, key.key, options), jti };
  };
}
