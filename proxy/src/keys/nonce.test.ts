import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NONCE_BYTES, createNonceSource } from './nonce.js';

test('nonces carry 128 bits as 22 base64url characters', () => {
  const nonce = createNonceSource()();
  assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(Buffer.from(nonce, 'base64url').length, NONCE_BYTES);
});

test('nonces are unique across many draws from the real CSPRNG', () => {
  const next = createNonceSource();
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i += 1) seen.add(next());
  assert.equal(seen.size, 10_000);
});

test('the pool is refilled once every 256 nonces and no byte is handed out twice', () => {
  let fills = 0;
  const next = createNonceSource((buffer) => {
    fills += 1;
    // Every 16-byte slice of every refill is distinct: a reused slice would repeat a nonce.
    buffer.fill(0);
    for (let slice = 0; slice < buffer.length / NONCE_BYTES; slice += 1) {
      buffer.writeUInt32BE(fills, slice * NONCE_BYTES);
      buffer.writeUInt32BE(slice, slice * NONCE_BYTES + 4);
    }
  });
  const first = Array.from({ length: 256 }, next);
  assert.equal(fills, 1);
  assert.equal(new Set(first).size, 256);
  assert.ok(!first.includes(next()));
  assert.equal(fills, 2);
});
