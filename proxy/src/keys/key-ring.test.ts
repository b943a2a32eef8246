import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyFolder, jwkSetText, publicOnly, vectorJwk } from '../../../contracts/testing/key-fixtures.js';
import { execFileSync } from 'node:child_process';
import { MAX_KEY_FILE_BYTES } from '../../../contracts/src/jwk-set-file.js';
import { KeyRing, readKeyFile } from './key-ring.js';

const folder = createKeyFolder();

function fileRing(name: string, keys: Parameters<typeof jwkSetText>[0]): { ring: KeyRing; path: string } {
  const path = folder.write(name, jwkSetText(keys));
  const read = readKeyFile(path);
  assert.ok('keys' in read, 'problem' in read ? read.problem : '');
  return { ring: new KeyRing({ source: 'file', path, keys: read.keys }), path };
}

test('JWT_SECRET alone: HS512 with no kid, no keys to publish, nothing to reload', async () => {
  const ring = new KeyRing({ source: 'secret', key: Buffer.alloc(64, 1) });
  assert.deepEqual([ring.current.alg, ring.current.kid, ring.current.key.type], ['HS512', undefined, 'secret']);
  assert.deepEqual(ring.keys, []);
  assert.deepEqual(await ring.reload(), { result: 'no-file' });
});

test('reload swaps to the file as it is now: A, then A+B with B signing, then B alone', async () => {
  const a = vectorJwk('vector-hs512');
  const b = vectorJwk('vector-es256');
  const { ring, path } = fileRing('rotate.json', [a]);
  assert.equal(ring.current.kid, 'vector-hs512');
  const before = ring.current;
  folder.write('rotate.json', jwkSetText([b, a]));
  assert.deepEqual(await ring.reload(), { result: 'reloaded', kid: 'vector-es256', keys: 2 });
  assert.deepEqual([ring.current.kid, ring.current.alg, ring.keys.map((k) => k.kid)], ['vector-es256', 'ES256', ['vector-es256', 'vector-hs512']]);
  assert.notEqual(ring.current, before);
  folder.write('rotate.json', jwkSetText([b]));
  assert.equal((await ring.reload()).result, 'reloaded');
  assert.deepEqual(ring.keys.map((k) => k.kid), ['vector-es256']);
  assert.ok(path.endsWith('rotate.json'));
});

test('a bad file at reload keeps the old keys and says why: unreadable, partial, invalid key', async () => {
  const a = vectorJwk('vector-rs256');
  const { ring, path } = fileRing('keep.json', [a]);
  const current = ring.current;
  const keys = ring.keys;
  const text = jwkSetText([vectorJwk('vector-hs256'), a]);
  for (const [bad, expected] of [
    [text.slice(0, 40), /keep\.json: is not JSON/],
    [jwkSetText([publicOnly(a)]), /keys\[0\] \(kid "vector-rs256"\): the first key signs, so it needs its private part/],
  ] as const) {
    folder.write('keep.json', bad);
    const outcome = await ring.reload();
    assert.equal(outcome.result, 'failed');
    assert.ok(outcome.result === 'failed');
    assert.match(outcome.reason, expected);
    assert.equal(outcome.kid, 'vector-rs256');
    assert.equal(ring.current, current);
    assert.equal(ring.keys, keys);
  }
  const missing = new KeyRing({ source: 'file', path: `${path}.gone`, keys });
  const outcome = await missing.reload();
  assert.ok(outcome.result === 'failed');
  assert.match(outcome.reason, /cannot read .*keep\.json\.gone \(ENOENT\)/);
  assert.equal(missing.current.kid, 'vector-rs256');
});

test('a FIFO, a directory or a file over the cap at reload fails at once with the reason and keeps the old keys', async () => {
  const a = vectorJwk('vector-es256');
  const { ring } = fileRing('fifo-base.json', [a]);
  const current = ring.current;
  const fifo = `${folder.dir}/fifo.json`;
  execFileSync('mkfifo', [fifo]);
  const big = folder.write('big.json', `${jwkSetText([a]).slice(0, -2)}${' '.repeat(MAX_KEY_FILE_BYTES)}}\n`);
  for (const [path, expected] of [
    [fifo, /fifo\.json is a FIFO; a key file must be a regular file$/],
    [folder.dir, /is a directory; a key file must be a regular file$/],
    [big, new RegExp(`big\\.json is larger than the ${MAX_KEY_FILE_BYTES}-byte cap for a key file$`)],
  ] as const) {
    const other = new KeyRing({ source: 'file', path, keys: ring.keys });
    const outcome = await other.reload();
    assert.ok(outcome.result === 'failed');
    assert.match(outcome.reason, expected);
    const atStart = readKeyFile(path);
    assert.ok('problem' in atStart);
    assert.match(atStart.problem, expected, 'the start-up read says the same');
  }
  assert.equal(ring.current, current);
});

test('readKeyFile at start reports a path it cannot open with the error code', () => {
  assert.deepEqual(readKeyFile(`${folder.dir}/none.json`), { problem: `cannot read ${folder.dir}/none.json (ENOENT)` });
});
