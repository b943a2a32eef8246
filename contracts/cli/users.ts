/**
 * `npm run users`: edits a PROXY_USERS_FILE (issue #24), as `npm run keys` does for keys.
 *
 *   npm run users -- add --file users --user alice [--cost 10]   password from stdin (one line)
 *   npm run users -- remove --file users --user alice
 *   npm run users -- list --file users                            names only, never a hash
 *
 * The password is read from stdin, never from an argument (the process list and the shell
 * history would show it). The hash is bcrypt `$2y$` (what `htpasswd -B` writes). The file is
 * written through a temporary file and a rename with mode 0600, so a proxy reloading on
 * SIGHUP never reads half a file; then `kill -HUP` the proxy.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';
import { formatHtpasswd, isHtpasswdName, parseHtpasswd } from '../src/htpasswd.js';
import { readKeyFileTextSync } from '../src/jwk-set-file.js';

const USAGE = `usage: npm run users -- add --file FILE --user NAME [--cost 4-16] < password
       npm run users -- remove --file FILE --user NAME
       npm run users -- list --file FILE`;

/** htpasswd -B's default is 5; 10 is the common choice for a password checked once per cache TTL. */
const DEFAULT_COST = 10;
const MAX_USERS_FILE_BYTES = 4 * 1_048_576;

class UsageError extends Error {}

function readUsers(path: string, mayBeMissing: boolean): Map<string, string> {
  if (mayBeMissing && !existsSync(path)) return new Map();
  const read = readKeyFileTextSync(path, MAX_USERS_FILE_BYTES);
  if ('problem' in read) throw new Error(read.problem);
  const parsed = parseHtpasswd(read.text);
  if ('problems' in parsed) throw new Error(`${path}: ${parsed.problems.join('; ')}`);
  return new Map(parsed.users);
}

function writeUsers(path: string, users: ReadonlyMap<string, string>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, formatHtpasswd(users), { mode: 0o600 });
  renameSync(temporary, path);
}

function requireName(name: string | undefined): string {
  if (name === undefined || !isHtpasswdName(name)) throw new UsageError('--user NAME is required (no ":" and no control character)');
  return name;
}

function readCost(text: string | undefined): number {
  const cost = text === undefined ? DEFAULT_COST : Number(text);
  if (!Number.isInteger(cost) || cost < 4 || cost > 16) throw new UsageError('--cost must be an integer from 4 to 16');
  return cost;
}

export function runUsersCli(argv: readonly string[], stdin: () => string): number {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { file: { type: 'string' }, user: { type: 'string' }, cost: { type: 'string' } },
    });
    const file = values.file;
    if (file === undefined) throw new UsageError('--file FILE is required');
    const command = positionals[0];
    if (command === 'list') {
      for (const name of readUsers(file, false).keys()) process.stdout.write(`${name}\n`);
      return 0;
    }
    if (command !== 'add' && command !== 'remove') {
      throw new UsageError(command === undefined ? 'a command is required' : `unknown command "${command}"`);
    }
    const name = requireName(values.user);
    const users = readUsers(file, command === 'add');
    if (command === 'add') {
      const password = stdin().replace(/\r?\n$/, '');
      if (password === '') throw new UsageError('the password is read from stdin and must not be empty');
      users.set(name, bcrypt.hashSync(password, readCost(values.cost)).replace(/^\$2b\$/, '$2y$'));
    } else if (!users.delete(name)) {
      throw new UsageError(`no user ${JSON.stringify(name)} in ${file}`);
    }
    writeUsers(file, users);
    process.stderr.write(`users: ${command === 'add' ? 'set' : 'removed'} ${name} in ${file} (${users.size} user(s)); send SIGHUP to the proxy\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`users: ${error instanceof Error ? error.message : String(error)}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = runUsersCli(process.argv.slice(2), () => readFileSync(0, 'utf8'));
}
