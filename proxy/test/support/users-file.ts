/** Users files for the PROXY_AUTH tests (issue #24): htpasswd lines as `htpasswd -B` writes them. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';

/** A users file of bcrypt hashes at `cost` (default 4: fast for tests; the format is htpasswd -B's). */
export function usersFile(entries: Readonly<Record<string, string>>, cost = 4): string {
  const dir = mkdtempSync(join(tmpdir(), 'jwt-proxy-users-'));
  const path = join(dir, 'users');
  writeUsers(path, entries, cost);
  return path;
}

export function writeUsers(path: string, entries: Readonly<Record<string, string>>, cost = 4): void {
  const lines = Object.entries(entries).map(([name, password]) => `${name}:${bcrypt.hashSync(password, cost).replace(/^\$2b\$/, '$2y$')}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

