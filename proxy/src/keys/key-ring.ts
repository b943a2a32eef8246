/**
 * The proxy's signing keys (issue #12): JWT_SECRET alone (HS512, no kid, the
 * assignment's token), or the JWK Set in JWT_KEYS_FILE, whose first key signs
 * with its kid in the header while the others stay published for verifiers, so
 * keys can overlap during a rotation.
 *
 * `reload()` (SIGHUP, see main.ts) re-reads the file and swaps the whole state
 * in one assignment: a request signs with the old or the new key, never with
 * half of each, and none fails. A file that does not read or parse leaves the
 * old keys in place and says why.
 */
import { createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseJwkSet } from '../../../contracts/src/jwk-set.js';
import type { SetKey } from '../../../contracts/src/jwk-set.js';
import type { SigningKey, SigningKeySource } from './signer.js';

/** Where the keys come from, as the config read them at start. */
export type KeySetting =
  | { readonly source: 'secret'; readonly key: Buffer }
  | { readonly source: 'file'; readonly path: string; readonly keys: readonly SetKey[] };

export type KeyFileRead = { readonly keys: readonly SetKey[] } | { readonly problem: string };

/** Reads and parses a JWK Set file for signing; the problem names the file's trouble or each bad key. */
export function readKeyFile(path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): KeyFileRead {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { problem: `cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}` };
  }
  const parsed = parseJwkSet(text, { signing: true });
  return 'problems' in parsed ? { problem: `${path}: ${parsed.problems.join('; ')}` } : { keys: parsed.keys };
}

export type ReloadOutcome =
  | { readonly result: 'reloaded'; readonly kid: string | undefined; readonly keys: number }
  | { readonly result: 'failed'; readonly reason: string; readonly kid: string | undefined }
  | { readonly result: 'no-file' };

interface RingState {
  readonly signing: SigningKey;
  /** Every key of the file, the signing one first; empty under JWT_SECRET. */
  readonly keys: readonly SetKey[];
}

function stateOf(keys: readonly SetKey[]): RingState {
  const [first] = keys;
  // parseJwkSet({signing: true}) guarantees a first key with its signing part.
  if (first?.signingKey === undefined) throw new Error('a signing key set starts with a key that can sign');
  return { signing: { alg: first.alg, kid: first.kid, key: first.signingKey }, keys };
}

export class KeyRing implements SigningKeySource {
  #state: RingState;
  readonly #path: string | undefined;
  readonly #read: ((path: string) => string) | undefined;

  constructor(setting: KeySetting, read?: (path: string) => string) {
    if (setting.source === 'secret') {
      this.#state = { signing: { alg: 'HS512', kid: undefined, key: createSecretKey(setting.key) }, keys: [] };
      this.#path = undefined;
    } else {
      this.#state = stateOf(setting.keys);
      this.#path = setting.path;
    }
    this.#read = read;
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this.#state.signing;
  }

  /** Every key of the set (the JWKS publishes their public halves); empty under JWT_SECRET. */
  get keys(): readonly SetKey[] {
    return this.#state.keys;
  }

  /** Re-reads JWT_KEYS_FILE; on any problem the old keys stay. */
  reload(): ReloadOutcome {
    if (this.#path === undefined) return { result: 'no-file' };
    const read = readKeyFile(this.#path, this.#read);
    if ('problem' in read) return { result: 'failed', reason: read.problem, kid: this.current.kid };
    this.#state = stateOf(read.keys);
    return { result: 'reloaded', kid: this.current.kid, keys: read.keys.length };
  }
}
