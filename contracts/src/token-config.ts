/**
 * The token settings both servers read (JWT_SECRET, JWT_SECRET_ENCODING,
 * JWT_HEADER): parsed here once so the proxy and the mock upstream accept and
 * refuse exactly the same values with the same messages (issue #3).
 */
import { DEFAULT_JWT_HEADER } from './token-contract.js';
import type { EnvReader } from './config-error.js';
import { isHttpToken } from './http-token.js';

/**
 * The assignment's shared secret. Its published copy carries a stray space
 * after "…2d01"; whitespace is removed from any configured value (issue #2).
 */
export const DEFAULT_JWT_SECRET =
  'a9ddbcaba8c0ac1a0a812dc0c2f08514b23f2db0a68343cb8199ebb38a6d91e4ebfb378e22ad39c2d01d0b4ec9c34aa91056862ddace3fbbd6852ee60c36acbf';

export const SECRET_ENCODINGS = ['utf8', 'hex'] as const;
export type SecretEncoding = (typeof SECRET_ENCODINGS)[number];
/** `utf8`: the secret's characters are the key bytes, as the assignment's other implementations sign. */
export const DEFAULT_SECRET_ENCODING: SecretEncoding = 'utf8';

/** RFC 7518 §3.2: an HS512 key must be at least as long as the hash output, 512 bits. */
export const MIN_KEY_BYTES = 64;

export interface TokenConfig {
  /** Lower-case header name that carries the token. */
  readonly header: string;
  readonly secretEncoding: SecretEncoding;
  /** The HMAC key bytes. */
  readonly key: Buffer;
}

export type SecretDecoding = { readonly key: Buffer } | { readonly problem: string };

/** A fresh key, as the example in every message and document (issue #23): never the published one. */
export const NEW_SECRET_COMMAND = '$(openssl rand -hex 64)';

/** Bad characters named in a hex problem: enough to spot a typo or a pasted base64 key. */
const MAX_NAMED_CHARACTERS = 8;

/**
 * Why a hex secret does not decode, naming what to fix (issue #23): the characters that are not
 * hex digits (each once, JSON-quoted so a control character is visible), or the odd count. The
 * characters only, never where they sit: the value is secret.
 */
function hexProblem(compact: string): string | undefined {
  const bad = [...new Set(compact.replace(/[0-9a-fA-F]/g, ''))];
  if (bad.length > 0) {
    const shown = bad.slice(0, MAX_NAMED_CHARACTERS).map((c) => JSON.stringify(c)).join(' ');
    const more = bad.length > MAX_NAMED_CHARACTERS ? ` and ${bad.length - MAX_NAMED_CHARACTERS} more` : '';
    return `must be hex digits (0-9, a-f) when JWT_SECRET_ENCODING=hex, but has ${shown}${more}; is it meant for JWT_SECRET_ENCODING=utf8?`;
  }
  if (compact.length % 2 === 1) {
    return `must be an even number of hex digits when JWT_SECRET_ENCODING=hex, got ${compact.length} (one digit missing or extra)`;
  }
  return undefined;
}

/** Decodes a secret as configured; whitespace anywhere in the value is ignored. */
export function decodeSecret(secret: string, encoding: SecretEncoding): SecretDecoding {
  const compact = secret.replace(/\s+/g, '');
  if (encoding === 'hex') {
    const problem = hexProblem(compact);
    if (problem !== undefined) return { problem };
  }
  const key = Buffer.from(compact, encoding);
  if (key.length < MIN_KEY_BYTES) {
    return {
      problem: `must give a key of at least ${MIN_KEY_BYTES} bytes for HS512 (RFC 7518 §3.2), got ${key.length} bytes under ${encoding}`,
    };
  }
  return { key };
}

/** Reads the shared token settings, recording problems on the reader. Never echoes the secret. */
export function readTokenConfig(env: EnvReader): TokenConfig {
  const secretEncoding = env.oneOf('JWT_SECRET_ENCODING', SECRET_ENCODINGS, DEFAULT_SECRET_ENCODING);
  const header = env.string('JWT_HEADER', DEFAULT_JWT_HEADER).toLowerCase();
  if (!isHttpToken(header)) {
    env.problem('JWT_HEADER', 'must be an HTTP field name (RFC 9110 §5.1)', DEFAULT_JWT_HEADER);
  }
  const decoded = decodeSecret(env.raw('JWT_SECRET') ?? DEFAULT_JWT_SECRET, secretEncoding);
  if ('problem' in decoded) {
    env.problem('JWT_SECRET', decoded.problem, NEW_SECRET_COMMAND);
    return { header, secretEncoding, key: Buffer.alloc(MIN_KEY_BYTES) };
  }
  return { header, secretEncoding, key: decoded.key };
}
