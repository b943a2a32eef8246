/**
 * The users file of PROXY_USERS_FILE (issue #24): htpasswd lines `name:hash` with bcrypt hashes
 * only, what `htpasswd -B` writes and nginx and Traefik read. One definition for the proxy
 * (proxy/src/auth/users-file.ts) and `npm run users` (contracts/cli/users.ts).
 *
 * Only bcrypt (`$2y$`, `$2a$`, `$2b$`): the other htpasswd schemes (MD5-crypt `$apr1$`, `{SHA}`,
 * crypt, plain) are fast to brute-force, so a line with one is refused rather than trusted.
 * A problem names the line number, never the line: it holds a hash.
 */

/** `$2y$10$` + 53 characters of bcrypt's base64 (22 salt, 31 hash). */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** The most entries one file may hold: bounds the map a reload builds. */
export const MAX_USERS = 100_000;

export type UsersParse =
  | { readonly users: ReadonlyMap<string, string> }
  | { readonly problems: readonly string[] };

export function isBcryptHash(hash: string): boolean {
  return BCRYPT_HASH.test(hash);
}

/** A name htpasswd can hold: not empty, no `:` (the separator), no line break or control character. */
export function isHtpasswdName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && !/[:\u0000-\u001f\u007f-\u009f]/.test(name);
}

/** Parses the file's text: blank lines and `#` comments are skipped, a repeated name is a problem. */
export function parseHtpasswd(text: string): UsersParse {
  const users = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    const hash = colon === -1 ? '' : line.slice(colon + 1);
    if (!isHtpasswdName(name)) problems.push(`line ${i + 1}: no "name:" before the hash`);
    else if (!isBcryptHash(hash)) problems.push(`line ${i + 1}: not a bcrypt hash ($2y$/$2a$/$2b$; make one with htpasswd -B)`);
    else if (users.has(name)) problems.push(`line ${i + 1}: a name listed on an earlier line`);
    else users.set(name, hash);
    if (users.size > MAX_USERS) return { problems: [`more than ${MAX_USERS} users`] };
  }
  return problems.length > 0 ? { problems } : { users };
}

/** The file's text for these entries, one `name:hash` line each, in order. */
export function formatHtpasswd(users: ReadonlyMap<string, string>): string {
  let text = '';
  for (const [name, hash] of users) text += `${name}:${hash}\n`;
  return text;
}
