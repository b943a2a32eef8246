import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHtpasswd, isHtpasswdName, parseHtpasswd } from './htpasswd.js';

const HASH = `$2y$05$${'a'.repeat(53)}`;

test('parses bcrypt lines, skipping blanks and comments, and formats them back', () => {
  const parsed = parseHtpasswd(`# users\n\nalice:${HASH}\r\nbob:${HASH.replace('$2y$', '$2b$')}\n`);
  assert.ok('users' in parsed);
  assert.deepEqual([...parsed.users.keys()], ['alice', 'bob']);
  assert.equal(formatHtpasswd(parsed.users), `alice:${HASH}\nbob:${HASH.replace('$2y$', '$2b$')}\n`);
});

test('refuses other schemes, a line without a name and a repeated name, naming the line but not its content', () => {
  const parsed = parseHtpasswd(`alice:{SHA}secrethash\n:${HASH}\nbob:${HASH}\nbob:${HASH}\ncarol:$apr1$x$y\n`);
  assert.ok('problems' in parsed);
  assert.equal(parsed.problems.length, 4);
  assert.match(parsed.problems[0] as string, /^line 1: not a bcrypt hash/);
  assert.match(parsed.problems[1] as string, /^line 2: no "name:"/);
  assert.match(parsed.problems[2] as string, /^line 4: a name listed on an earlier line/);
  assert.ok(!parsed.problems.join().includes('secrethash'));
});

test('a name has no colon and no control character', () => {
  assert.equal(isHtpasswdName('alice@example.com'), true);
  for (const bad of ['', 'a:b', 'a\nb', 'a\u0085']) assert.equal(isHtpasswdName(bad), false);
});
