/**
 * Keys for tests, suites and e2e (issue #12): the published test keys of
 * contracts/profile-vectors.json, fresh keys of each algorithm, and JWK Set
 * files written to a folder. Never for real use: these keys are public.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfileVectors } from './golden-vectors.js';
import { PRIVATE_JWK_MEMBERS } from '../src/jwk-set.js';
import type { Jwk } from '../cli/jwk-generate.js';

export { generateJwk } from '../cli/jwk-generate.js';
export type { Jwk } from '../cli/jwk-generate.js';

/** A key of the profile vectors' set by kid (private parts included). */
export function vectorJwk(kid: string): Jwk {
  const jwk = loadProfileVectors().keys.keys.find((key) => key.kid === kid);
  if (jwk === undefined) throw new Error(`no vector key ${kid}`);
  return jwk;
}

/** The JWK without private members (what a JWKS may publish). */
export function publicOnly(jwk: Jwk): Jwk {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_JWK_MEMBERS.includes(name)));
}

/** A JWK Set's text. */
export function jwkSetText(keys: readonly Jwk[]): string {
  return `${JSON.stringify({ keys }, null, 2)}\n`;
}

/** A folder of key files; `write` replaces a file in one rename, as a deploy tool should. */
export interface KeyFolder {
  readonly dir: string;
  write(name: string, text: string): string;
}

export function createKeyFolder(dir: string = mkdtempSync(join(tmpdir(), 'jwt-keys-'))): KeyFolder {
  let serial = 0;
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      const temporary = join(dir, `.${name}.${process.pid}.${++serial}`);
      writeFileSync(temporary, text);
      renameSync(temporary, path);
      return path;
    },
  };
}
