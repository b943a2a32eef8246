/**
 * `npm run keys`: makes and rotates JWT_KEYS_FILE sets (issue #12).
 *
 *   npm run keys -- new --alg ES256 --kid 2026-12 [--out keys.json]
 *       a set with one fresh key
 *   npm run keys -- add --alg ES256 --kid 2027-01 --in keys.json [--out keys.json]
 *       the fresh key first (it signs), the old keys after it (still verify)
 *   npm run keys -- remove --kid 2026-12 --in keys.json [--out keys.json]
 *       the set without that key (the rotation's last step)
 *   npm run keys -- public --in keys.json
 *       the public halves only, as the JWKS endpoint serves them
 *
 * Every set written is checked with the proxy's own parser first, and written
 * through a temporary file and a rename, so a proxy reloading on SIGHUP never
 * reads half a file. Without --out the set goes to stdout. The checks are the
 * proxy's: a set with a weak key (an RSA exponent other than 65537, an HMAC key
 * made of a public key of the set) is never written (issue #21, item 8).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateJwk } from './jwk-generate.js';
import type { Jwk } from './jwk-generate.js';
import { readKeyFileTextSync } from '../src/jwk-set-file.js';
import { JWK_ALGORITHMS, PRIVATE_JWK_MEMBERS, parseJwkSet } from '../src/jwk-set.js';
import type { JwkAlgorithm } from '../src/jwk-set.js';

const USAGE = `usage: npm run keys -- new --alg ALG --kid KID [--out FILE]
       npm run keys -- add --alg ALG --kid KID --in FILE [--out FILE]
       npm run keys -- remove --kid KID --in FILE [--out FILE]
       npm run keys -- public --in FILE
ALG: ${JWK_ALGORITHMS.join(', ')}`;

class UsageError extends Error {}

function readSet(path: string | undefined): Jwk[] {
  if (path === undefined) throw new UsageError('--in FILE is required');
  // The proxy's own read: a regular file under the cap, so a FIFO as --in fails instead of hanging (issue #21).
  const read = readKeyFileTextSync(path);
  if ('problem' in read) throw new Error(read.problem);
  const document = JSON.parse(read.text) as { keys?: unknown };
  if (!Array.isArray(document.keys)) throw new UsageError(`${path} is not a JWK Set (no "keys" array)`);
  return document.keys as Jwk[];
}

function freshKey(alg: string | undefined, kid: string | undefined): Jwk {
  if (alg === undefined || !(JWK_ALGORITHMS as readonly string[]).includes(alg)) throw new UsageError(`--alg must be one of ${JWK_ALGORITHMS.join(', ')}`);
  if (kid === undefined || kid.trim() === '') throw new UsageError('--kid KID is required');
  return generateJwk(alg as JwkAlgorithm, kid.trim());
}

/** The set a command makes; `signing` is false for the public set, which has no private part to check. */
function build(command: string | undefined, values: Record<string, string | undefined>): { keys: Jwk[]; signing: boolean } {
  switch (command) {
    case 'new':
      return { keys: [freshKey(values.alg, values.kid)], signing: true };
    case 'add':
      return { keys: [freshKey(values.alg, values.kid), ...readSet(values.in)], signing: true };
    case 'remove': {
      const keys = readSet(values.in);
      const kept = keys.filter((key) => key.kid !== values.kid);
      if (kept.length === keys.length) throw new UsageError(`no key with kid ${JSON.stringify(values.kid)} in ${values.in}`);
      return { keys: kept, signing: true };
    }
    case 'public': {
      const published = readSet(values.in).filter((key) => key.kty !== 'oct');
      const keys = published.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_JWK_MEMBERS.includes(name))));
      return { keys, signing: false };
    }
    default:
      throw new UsageError(command === undefined ? 'a command is required' : `unknown command "${command}"`);
  }
}

export function runKeysCli(argv: readonly string[]): number {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { alg: { type: 'string' }, kid: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' } },
    });
    const { keys, signing } = build(positionals[0], values);
    const text = `${JSON.stringify({ keys }, null, 2)}\n`;
    const parsed = parseJwkSet(text, { signing });
    if ('problems' in parsed && keys.length > 0) throw new UsageError(`the resulting set is not valid: ${parsed.problems.join('; ')}`);
    if (values.out === undefined) {
      process.stdout.write(text);
    } else {
      const temporary = `${values.out}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o600 });
      renameSync(temporary, values.out);
      process.stderr.write(`keys: wrote ${keys.length} key(s) to ${values.out}; signing kid: ${String(keys[0]?.kid)}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = runKeysCli(process.argv.slice(2));
}
