/**
 * The token's `jti`: 128 bits from the CSPRNG (issue #2 asks for at least 128;
 * a UUIDv4 carries only 122 random bits), as 22 base64url characters.
 * Random bytes are drawn a pool at a time, as crypto.randomUUID does, so the
 * hot path makes one getrandom call per 256 tokens instead of one per token.
 * No byte of the pool is ever handed out twice.
 */
import { randomFillSync } from 'node:crypto';

export const NONCE_BYTES = 16;
const POOL_BYTES = NONCE_BYTES * 256;

/** Returns a nonce source; `fill` is injectable so tests can count refills. */
export function createNonceSource(fill: (buffer: Buffer) => void = randomFillSync): () => string {
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  let offset = POOL_BYTES;
  return () => {
    if (offset === POOL_BYTES) {
      fill(pool);
      offset = 0;
    }
    const nonce = pool.toString('base64url', offset, offset + NONCE_BYTES);
    offset += NONCE_BYTES;
    return nonce;
  };
}
