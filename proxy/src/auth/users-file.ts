/**
 * PROXY_USERS_FILE as the proxy holds it (issue #24): the users read at start, swapped whole
 * on SIGHUP. A reload reads asynchronously, a regular file under the cap (jwk-set-file.ts), so
 * a FIFO or a huge file cannot stall the event loop; a bad file keeps the old users and logs
 * one line naming the problem, never the file's content.
 */
import type { Logger } from 'pino';
import { parseHtpasswd } from '../../../contracts/src/htpasswd.js';
import { readKeyFileText } from '../../../contracts/src/jwk-set-file.js';
import { MAX_USERS_FILE_BYTES } from '../config/auth-config.js';

export type UsersReloadOutcome =
  | { readonly result: 'reloaded'; readonly users: number }
  | { readonly result: 'failed'; readonly reason: string };

export class UsersFile {
  readonly path: string;
  #users: ReadonlyMap<string, string>;
  readonly #onChange: () => void;

  /** `onChange` runs after each reload that took effect (the credential cache empties). */
  constructor(path: string, users: ReadonlyMap<string, string>, onChange: () => void) {
    this.path = path;
    this.#users = users;
    this.#onChange = onChange;
  }

  /** The bcrypt hash of `name`, or undefined. */
  hashOf(name: string): string | undefined {
    return this.#users.get(name);
  }

  get size(): number {
    return this.#users.size;
  }

  /** The first user's hash: the dummy comparison for an unknown name costs what a real one does. */
  get sampleHash(): string | undefined {
    return this.#users.values().next().value;
  }

  async reload(): Promise<UsersReloadOutcome> {
    const read = await readKeyFileText(this.path, MAX_USERS_FILE_BYTES);
    if ('problem' in read) return { result: 'failed', reason: read.problem };
    const parsed = parseHtpasswd(read.text);
    if ('problems' in parsed) return { result: 'failed', reason: `${this.path}: ${parsed.problems.slice(0, 5).join('; ')}` };
    this.#users = parsed.users;
    this.#onChange();
    return { result: 'reloaded', users: parsed.users.size };
  }
}

/** The SIGHUP entry for the users file: reload, log one line; never rejects. */
export function createUsersReloader(file: UsersFile, logger: Logger): () => Promise<UsersReloadOutcome> {
  return async () => {
    const outcome = await file.reload().catch((error: unknown): UsersReloadOutcome => ({
      result: 'failed',
      reason: error instanceof Error ? error.message : String(error),
    }));
    if (outcome.result === 'reloaded') logger.info({ msg: 'users reloaded', users: outcome.users });
    else logger.error({ msg: 'users reload failed, keeping the old users', reason: outcome.reason });
    return outcome;
  };
}
