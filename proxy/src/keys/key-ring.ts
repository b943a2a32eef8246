/**
 * The proxy's signing keys (issue #12): JWT_SECRET alone (HS512, no kid, the
 * assignment's token), or the JWK Set in JWT_KEYS_FILE, whose first key signs
 * with its kid in the header while the others stay published for verifiers, so
 * keys can overlap during a rotation.
 *
 * `reload()` (SIGHUP, see start.ts) re-reads the file and swaps the whole state
 * in one assignment: a request signs with the old or the new key, never with
 * half of each, and none fails. A file that does not read or parse leaves the
 * old keys in place and says why. The file is read as jwk-set-file.ts reads it:
 * a regular file only, at most MAX_KEY_FILE_BYTES, and on reload without
 * blocking the event loop, so /healthz answers while a FIFO sits in the file's
 * place (issue #21, item 9).
 */
import { createSecretKey } from 'node:crypto';
import { readKeyFileText, readKeyFileTextSync } from '../../../contracts/src/jwk-set-file.js';
import type { KeyFileText } from '../../../contracts/src/jwk-set-file.js';
import { parseJwkSet } from '../../../contracts/src/jwk-set.js';
import type { SetKey } from '../../../contracts/src/jwk-set.js';
import type { SigningKey, SigningKeySource } from './signer.js';

/** Where the keys come from, as the config read them at start. */
export type KeySetting =
  | { readonly source: 'secret'; readonly key: Buffer }
  | { readonly source: 'file'; readonly path: string; readonly keys: readonly SetKey[] };

export type KeyFileRead = { readonly keys: readonly SetKey[] } | { readonly problem: string };

function parseSigningSet(path: string, read: KeyFileText): KeyFileRead {
  if ('problem' in read) return read;
  const parsed = parseJwkSet(read.text, { signing: true });
  return 'problems' in parsed ? { problem: `${path}: ${parsed.problems.join('; ')}` } : { keys: parsed.keys };
}

/** Reads and parses a JWK Set file for signing, at start; the problem names the file's trouble or each bad key. */
export function readKeyFile(path: string): KeyFileRead {
  return parseSigningSet(path, readKeyFileTextSync(path));
}

/** The same, off the event loop: what a reload uses. */
export async function readKeyFileAsync(path: string): Promise<KeyFileRead> {
  return parseSigningSet(path, await readKeyFileText(path));
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
  /** The reload under way: reloads run one after another, so the last SIGHUP's file is the one that stays. */
  #reloading: Promise<unknown> = Promise.resolve();

  constructor(setting: KeySetting) {
    if (setting.source === 'secret') {
      this.#state = { signing: { alg: 'HS512', kid: undefined, key: createSecretKey(setting.key) }, keys: [] };
      this.#path = undefined;
    } else {
      this.#state = stateOf(setting.keys);
      this.#path = setting.path;
    }
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this.#state.signing;
  }

  /** Every key of the set (the JWKS publishes their public halves); empty under JWT_SECRET. */
  get keys(): readonly SetKey[] {
    return this.#state.keys;
  }

  /** Re-reads JWT_KEYS_FILE; on any problem the old keys stay. Requests keep being signed while it reads. */
  reload(): Promise<ReloadOutcome> {
    const path = this.#path;
    if (path === undefined) return Promise.resolve({ result: 'no-file' });
    const next = this.#reloading.then(async (): Promise<ReloadOutcome> => {
      const read = await readKeyFileAsync(path);
      if ('problem' in read) return { result: 'failed', reason: read.problem, kid: this.current.kid };
      this.#state = stateOf(read.keys);
      return { result: 'reloaded', kid: this.current.kid, keys: read.keys.length };
    });
    // A reload that threw must not stop the ones queued after it.
    this.#reloading = next.catch(() => undefined);
    return next;
  }
}
