// Issue #21 item 9: key files are regular files only, capped, never waited on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_KEY_FILE_BYTES, readKeyFileText, readKeyFileTextSync } from '../src/jwk-set-file.js';

const dir = mkdtempSync(join(tmpdir(), 'jwk-set-file-'));

test('reads a regular file whole, at the cap exactly, the same sync and async', async () => {
  const path = join(dir, 'keys.json');
  writeFileSync(path, '{"keys": []}');
  assert.deepEqual(readKeyFileTextSync(path), { text: '{"keys": []}' });
  assert.deepEqual(await readKeyFileText(path), { text: '{"keys": []}' });
  writeFileSync(path, 'x'.repeat(16));
  assert.deepEqual(readKeyFileTextSync(path, 16), { text: 'x'.repeat(16) });
  assert.deepEqual(await readKeyFileText(path, 15), { problem: `${path} is larger than the 15-byte cap for a key file` });
  assert.equal(MAX_KEY_FILE_BYTES, 1_048_576);
});

test('refuses a device and a socket by kind, and names the error code of a path that does not open', async (t) => {
  for (const read of [readKeyFileTextSync, readKeyFileText]) {
    assert.deepEqual(await read('/dev/zero'), { problem: '/dev/zero is a device; a key file must be a regular file' });
  }
  const socketPath = join(dir, 'keys.sock');
  const server = createServer().listen(socketPath);
  await once(server, 'listening');
  t.after(() => server.close());
  for (const read of [readKeyFileTextSync, readKeyFileText]) {
    const result = await read(socketPath);
    assert.ok('problem' in result);
    assert.match(result.problem, /keys\.sock (is a socket; a key file must be a regular file|\(ENXIO\))$/);
    assert.deepEqual(await read(join(dir, 'none')), { problem: `cannot read ${join(dir, 'none')} (ENOENT)` });
  }
});
