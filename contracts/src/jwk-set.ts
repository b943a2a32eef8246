/**
 * JWK Set files (RFC 7517 §5), read by the proxy (JWT_KEYS_FILE, signing) and
 * the mock upstream (MOCK_KEYS_FILE, verifying), so both accept and refuse the
 * same keys with the same messages (issue #12).
 *
 * Each key carries a `kid` (unique) and an `alg` (RFC 7517 §4.4, §4.5). The
 * algorithms are the ones jsonwebtoken signs and jose verifies:
 *   HS256/384/512  kty "oct", `k` at least as long as the hash (RFC 7518 §3.2)
 *   RS256, PS256   kty "RSA", modulus at least 2048 bits (RFC 7518 §3.3, §3.5)
 *   ES256, ES384   kty "EC" on P-256 / P-384 (RFC 7518 §3.4)
 * Pinning each key to one alg is what keeps a verifier from being talked into
 * another algorithm with the same key material (RFC 8725 §3.1). Two more
 * refusals close what pinning leaves open (issue #21, item 8):
 *   - an RSA public exponent other than 65537: e = 1 makes every "signature"
 *     equal to its message, so anyone forges (RFC 8017 §3.1 allows any odd e;
 *     we allow only the one every key generator uses);
 *   - an oct key whose bytes are a public key of the same set (PEM, DER, JWK
 *     text): a verifier that once fell for alg confusion would accept HMAC
 *     tokens made with public material (RFC 8725 §2.1).
 *
 * Every problem names the key by index and kid; no problem ever echoes key material.
 */
import { createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

export const JWK_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'ES384'] as const;
export type JwkAlgorithm = (typeof JWK_ALGORITHMS)[number];

/** RFC 7518 §3.2: an HMAC key is at least as long as its hash output. */
export const MIN_HMAC_KEY_BYTES: Readonly<Record<'HS256' | 'HS384' | 'HS512', number>> = Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
});
/** RFC 7518 §3.3 / §3.5: RSA keys of at least 2048 bits. */
export const MIN_RSA_BITS = 2048;
/** The only RSA public exponent accepted (F4, "AQAB"); issue #21 item 8. */
export const RSA_PUBLIC_EXPONENT = 65537n;

const KTY_OF: Readonly<Record<JwkAlgorithm, 'oct' | 'RSA' | 'EC'>> = Object.freeze({
  HS256: 'oct',
  HS384: 'oct',
  HS512: 'oct',
  RS256: 'RSA',
  PS256: 'RSA',
  ES256: 'EC',
  ES384: 'EC',
});
const CURVE_OF: Readonly<Partial<Record<JwkAlgorithm, string>>> = Object.freeze({ ES256: 'P-256', ES384: 'P-384' });
/** Members that hold secret or private material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
export const PRIVATE_JWK_MEMBERS: readonly string[] = Object.freeze(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** One key of a set, ready to use: KeyObjects are made here, once. */
export interface SetKey {
  readonly kid: string;
  readonly alg: JwkAlgorithm;
  readonly kty: 'oct' | 'RSA' | 'EC';
  /** The secret (oct) or private key; undefined for a public-only key. */
  readonly signingKey: KeyObject | undefined;
  /** The secret (oct) or public key. */
  readonly verifyKey: KeyObject;
  /** The public half as a JWK (`kty`, `kid`, `alg`, `use`, public members only); undefined for oct. */
  readonly publicJwk: Readonly<Record<string, string>> | undefined;
}

export interface JwkSetOptions {
  /** True for a signer's file: the first key must hold its secret or private part. */
  readonly signing: boolean;
}

export type JwkSetParse = { readonly keys: readonly SetKey[] } | { readonly problems: readonly string[] };

type JwkObject = Record<string, unknown>;

function isObject(value: unknown): value is JwkObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJwkAlgorithm(value: unknown): value is JwkAlgorithm {
  return typeof value === 'string' && (JWK_ALGORITHMS as readonly string[]).includes(value);
}

/** `keys[0] (kid "a")`: how every problem names its key. */
function keyName(index: number, jwk: JwkObject): string {
  return typeof jwk.kid === 'string' ? `keys[${index}] (kid ${JSON.stringify(jwk.kid)})` : `keys[${index}]`;
}

/** Parses the text of a JWK Set file; returns every problem found instead when there are any. */
export function parseJwkSet(text: string, options: JwkSetOptions): JwkSetParse {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { problems: [`is not JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  if (!isObject(document) || !Array.isArray(document.keys)) {
    return { problems: ['must be a JWK Set: a JSON object with a "keys" array (RFC 7517 §5)'] };
  }
  if (document.keys.length === 0) return { problems: ['must hold at least one key in "keys"'] };
  const problems: string[] = [];
  const keys: IndexedKey[] = [];
  const seen = new Set<string>();
  document.keys.forEach((entry: unknown, index) => {
    const parsed = parseJwk(entry, index, options.signing && index === 0);
    if (typeof parsed === 'string') {
      problems.push(parsed);
      return;
    }
    if (seen.has(parsed.kid)) {
      problems.push(`keys[${index}] (kid ${JSON.stringify(parsed.kid)}): kid is used by an earlier key; each kid must be unique`);
      return;
    }
    seen.add(parsed.kid);
    keys.push({ index, key: parsed });
  });
  problems.push(...confusionProblems(keys));
  return problems.length > 0 ? { problems } : { keys: Object.freeze(keys.map(({ key }) => key)) };
}

interface IndexedKey {
  readonly index: number;
  readonly key: SetKey;
}

const nameOf = ({ index, key }: IndexedKey): string => `keys[${index}] (kid ${JSON.stringify(key.kid)})`;

/** Every oct key whose bytes are the material of an asymmetric key in the same set (RFC 8725 §2.1). */
function confusionProblems(keys: readonly IndexedKey[]): string[] {
  const asymmetric = keys.filter(({ key }) => key.kty !== 'oct');
  if (asymmetric.length === 0) return [];
  const problems: string[] = [];
  for (const hmac of keys.filter(({ key }) => key.kty === 'oct')) {
    const material = publicKeyIn(hmac.key.verifyKey.export());
    const twin = material === undefined ? undefined : asymmetric.find(({ key }) => key.verifyKey.equals(material));
    if (twin !== undefined) {
      problems.push(
        `${nameOf(hmac)}: the HMAC key's bytes are the public key of ${nameOf(twin)} (as PEM, DER or JWK text); ` +
          'anyone holding that public key could make tokens this key verifies (algorithm confusion, RFC 8725 §2.1)',
      );
    }
  }
  return problems;
}

/**
 * The public key these bytes encode, in any form a verifier might have been
 * handed: PEM (SPKI, PKCS#1, or a private key's public half), DER (SPKI or
 * PKCS#1), or JWK JSON text. Parsing rather than comparing text catches every
 * spelling: other line breaks, member order, whitespace.
 */
function publicKeyIn(bytes: Buffer): KeyObject | undefined {
  const text = bytes.toString('utf8');
  const attempts: ReadonlyArray<() => KeyObject> = [
    () => createPublicKey({ key: bytes, format: 'pem' }),
    () => createPublicKey({ key: bytes, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPublicKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' }),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // Not this form; the next one may fit.
    }
  }
  return undefined;
}

/** One key; a string is the problem with it. */
function parseJwk(entry: unknown, index: number, mustSign: boolean): SetKey | string {
  if (!isObject(entry)) return `keys[${index}]: must be a JSON object (a JWK)`;
  const name = keyName(index, entry);
  if (typeof entry.kid !== 'string' || entry.kid === '') return `${name}: must have a non-empty string "kid"`;
  if (!isJwkAlgorithm(entry.alg)) {
    return `${name}: alg ${JSON.stringify(entry.alg) ?? 'is missing'}${entry.alg === undefined ? '' : ' is not supported'}; it must be one of ${JWK_ALGORITHMS.join(', ')}`;
  }
  const alg = entry.alg;
  const kty = KTY_OF[alg];
  if (entry.kty !== kty) return `${name}: alg ${alg} needs kty "${kty}", got ${JSON.stringify(entry.kty) ?? 'none'}`;
  if (entry.use !== undefined && entry.use !== 'sig') return `${name}: use must be "sig" when present, got ${JSON.stringify(entry.use)}`;
  const built = kty === 'oct' ? octKey(entry, name, alg) : asymmetricKey(entry, name, alg);
  if (typeof built === 'string') return built;
  if (mustSign && built.signingKey === undefined) {
    return `${name}: the first key signs, so it needs its private part ("d"); a private key is missing`;
  }
  return Object.freeze({ kid: entry.kid, alg, kty, ...built });
}

type Built = Pick<SetKey, 'signingKey' | 'verifyKey' | 'publicJwk'>;

function octKey(jwk: JwkObject, name: string, alg: JwkAlgorithm): Built | string {
  if (typeof jwk.k !== 'string' || !/^[A-Za-z0-9_-]+$/.test(jwk.k)) return `${name}: an oct key needs "k", the key bytes in base64url`;
  const bytes = Buffer.from(jwk.k, 'base64url');
  const min = MIN_HMAC_KEY_BYTES[alg as keyof typeof MIN_HMAC_KEY_BYTES];
  if (bytes.length < min) {
    return `${name}: the HMAC key is too short for ${alg}: ${bytes.length} bytes, at least ${min} needed (RFC 7518 §3.2)`;
  }
  const secret = createSecretKey(bytes);
  return { signingKey: secret, verifyKey: secret, publicJwk: undefined };
}

function asymmetricKey(jwk: JwkObject, name: string, alg: JwkAlgorithm): Built | string {
  const hasPrivate = jwk.d !== undefined;
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  try {
    privateKey = hasPrivate ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) : undefined;
    publicKey = privateKey === undefined ? createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) : createPublicKey(privateKey);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `${name}: is not a valid ${String(jwk.kty)} key${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  const details = publicKey.asymmetricKeyDetails;
  if (jwk.kty === 'RSA') {
    const bits = details?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return `${name}: the RSA key is too weak: ${bits} bits, at least ${MIN_RSA_BITS} needed for ${alg} (RFC 7518 §3.3)`;
    const exponent = details?.publicExponent;
    if (exponent !== RSA_PUBLIC_EXPONENT) {
      const shown = exponent !== undefined && exponent <= 0xffffffffn ? String(exponent) : 'a larger value';
      return `${name}: the RSA public exponent must be ${RSA_PUBLIC_EXPONENT} ("e": "AQAB"), got ${shown}; e = 1 or a small e lets anyone forge signatures`;
    }
  } else if (jwk.crv !== CURVE_OF[alg]) {
    return `${name}: alg ${alg} needs crv "${CURVE_OF[alg]}", got ${JSON.stringify(jwk.crv) ?? 'none'}`;
  }
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const publicJwk = Object.freeze({ ...exported, kid: String(jwk.kid), alg, use: 'sig' });
  return { signingKey: privateKey, verifyKey: publicKey, publicJwk };
}
