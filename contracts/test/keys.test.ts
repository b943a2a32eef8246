import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createKeyFolder } from '../testing/key-fixtures.js';
import { PRIVATE_JWK_MEMBERS, parseJwkSet } from '../src/jwk-set.js';

const CLI = fileURLToPath(new URL('../cli/keys.js', import.meta.url));
const folder = createKeyFolder();

function keys(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
const kids = (path: string): unknown[] => (JSON.parse(readFileSync(path, 'utf8')) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

test('new, add, remove: a rotation A -> B+A -> B, every file a valid signing set', () => {
  const path = `${folder.dir}/keys.json`;
  assert.equal(keys('new', '--alg', 'ES256', '--kid', 'a', '--out', path).status, 0);
  assert.deepEqual(kids(path), ['a']);
  const added = keys('add', '--alg', 'RS256', '--kid', 'b', '--in', path, '--out', path);
  assert.equal(added.status, 0);
  assert.match(added.stderr, /wrote 2 key\(s\) to .*keys\.json; signing kid: b/);
  assert.deepEqual(kids(path), ['b', 'a']);
  assert.equal(keys('remove', '--kid', 'a', '--in', path, '--out', path).status, 0);
  assert.deepEqual(kids(path), ['b']);
  assert.ok('keys' in parseJwkSet(readFileSync(path, 'utf8'), { signing: true }));
});

test('public prints the public halves only, HMAC keys left out', () => {
  const path = `${folder.dir}/mixed.json`;
  keys('new', '--alg', 'HS512', '--kid', 'h', '--out', path);
  keys('add', '--alg', 'ES384', '--kid', 'e', '--in', path, '--out', path);
  const run = keys('public', '--in', path);
  assert.equal(run.status, 0);
  const doc = JSON.parse(run.stdout) as { keys: Record<string, unknown>[] };
  assert.deepEqual(doc.keys.map((k) => k.kid), ['e']);
  for (const member of PRIVATE_JWK_MEMBERS) assert.equal(member in doc.keys[0]!, false, member);
  const hmac = keys('new', '--alg', 'HS256', '--kid', 'x');
  assert.equal(hmac.status, 0);
  assert.equal((JSON.parse(hmac.stdout) as { keys: { k: string }[] }).keys[0]!.k.length, 43);
});

test('usage errors exit 2 and say what is wrong', () => {
  assert.match(keys().stderr, /a command is required/);
  assert.equal(keys('frobnicate').status, 2);
  assert.match(keys('new', '--alg', 'RS512', '--kid', 'x').stderr, /--alg must be one of HS256/);
  assert.match(keys('new', '--alg', 'HS256').stderr, /--kid KID is required/);
  assert.match(keys('add', '--alg', 'HS256', '--kid', 'y').stderr, /--in FILE is required/);
  const path = folder.write('notaset.json', '{"key": 1}');
  assert.match(keys('public', '--in', path).stderr, /is not a JWK Set/);
  const one = `${folder.dir}/one.json`;
  keys('new', '--alg', 'HS256', '--kid', 'only', '--out', one);
  assert.match(keys('remove', '--kid', 'other', '--in', one).stderr, /no key with kid "other"/);
  const bad = folder.write('bad.json', '{"keys": [{"kty": "oct", "kid": "s", "alg": "HS256", "k": "AAAA"}]}');
  const invalid = keys('add', '--alg', 'HS256', '--kid', 'n', '--in', bad);
  assert.equal(invalid.status, 2);
  assert.match(invalid.stderr, /the resulting set is not valid: keys\[1\] \(kid "s"\): the HMAC key is too short/);
  assert.equal(keys('public', '--in', `${folder.dir}/missing.json`).status, 1);
});

// Issue #21 items 8 and 9: the CLI checks with the proxy's parser and reads with the proxy's reader.
test('add refuses a set with an RSA exponent of 1 or an HMAC key made of a public key of the set, naming the key', () => {
  const rsa = `${folder.dir}/rsa.json`;
  assert.equal(keys('new', '--alg', 'RS256', '--kid', 'r', '--out', rsa).status, 0);
  const rsaKey = (JSON.parse(readFileSync(rsa, 'utf8')) as { keys: Record<string, string>[] }).keys[0]!;
  const publicKey = Object.fromEntries(Object.entries(rsaKey).filter(([name]) => !PRIVATE_JWK_MEMBERS.includes(name)));
  const weak = folder.write('weak.json', JSON.stringify({ keys: [{ ...publicKey, e: 'AQ' }] }));
  const refusedWeak = keys('add', '--alg', 'ES256', '--kid', 'n', '--in', weak, '--out', weak);
  assert.equal(refusedWeak.status, 2);
  assert.match(refusedWeak.stderr, /keys\[1\] \(kid "r"\): the RSA public exponent must be 65537/);
  const pem = createPublicKey({ key: publicKey as JsonWebKey, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
  const confused = folder.write('confused.json', JSON.stringify({ keys: [publicKey, { kty: 'oct', kid: 'c', alg: 'HS256', k: Buffer.from(pem).toString('base64url') }] }));
  const refusedConfused = keys('add', '--alg', 'ES256', '--kid', 'n', '--in', confused);
  assert.equal(refusedConfused.status, 2);
  assert.match(refusedConfused.stderr, /keys\[2\] \(kid "c"\): the HMAC key's bytes are the public key of keys\[1\] \(kid "r"\)/);
  assert.deepEqual(JSON.parse(readFileSync(weak, 'utf8')), { keys: [{ ...publicKey, e: 'AQ' }] }, 'nothing written');
});

test('a FIFO or a directory as --in fails at once with exit 1 and the reason', () => {
  const fifo = `${folder.dir}/in.fifo`;
  execFileSync('mkfifo', [fifo]);
  for (const [path, reason] of [[fifo, /in\.fifo is a FIFO; a key file must be a regular file/], [folder.dir, /is a directory; a key file must be a regular file/]] as const) {
    const run = keys('public', '--in', path);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, reason);
  }
});
