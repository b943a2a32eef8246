import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { parseHtpasswd } from '../src/htpasswd.js';

const CLI = fileURLToPath(new URL('../cli/users.js', import.meta.url));

function users(input: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('add, list, remove: an htpasswd file of $2y$ bcrypt hashes, mode 0600, the password only from stdin', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'users-cli-')), 'users');
  assert.equal(users('pw-a\n', 'add', '--file', file, '--user', 'alice', '--cost', '4').status, 0);
  assert.equal(users('pw-b\n', 'add', '--file', file, '--user', 'bob', '--cost', '4').status, 0);
  const text = readFileSync(file, 'utf8');
  const parsed = parseHtpasswd(text);
  assert.ok('users' in parsed);
  assert.match(text, /^alice:\$2y\$04\$/);
  assert.ok(bcrypt.compareSync('pw-a', parsed.users.get('alice') as string));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const listed = users('', 'list', '--file', file);
  assert.equal(listed.stdout, 'alice\nbob\n');
  assert.ok(!listed.stdout.includes('$2y$'));
  assert.equal(users('', 'remove', '--file', file, '--user', 'alice').status, 0);
  assert.equal(users('', 'list', '--file', file).stdout, 'bob\n');
});

test('usage errors exit 2 and name the fix', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'users-cli-')), 'users');
  assert.equal(users('', 'add', '--file', file, '--user', 'a').status, 2, 'an empty password');
  assert.equal(users('x\n', 'add', '--file', file, '--user', 'a:b').status, 2);
  assert.equal(users('x\n', 'add', '--file', file, '--user', 'a', '--cost', '3').status, 2);
  assert.equal(users('', 'remove', '--file', file, '--user', 'nobody').status, 1, 'a missing file is an error for remove');
  assert.equal(users('', 'frobnicate', '--file', file, '--user', 'a').status, 2);
  assert.match(users('', 'list').stderr, /--file FILE is required/);
});
