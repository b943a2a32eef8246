/**
 * The mock's randomness, injected (STYLE.md): fault probabilities, jitter and
 * random-then-close bytes all draw from one `() => number` in [0, 1). With
 * MOCK_FAULT_SEED the sequence is reproducible, so a chaos run that failed can
 * be run again with the same faults on the same requests.
 */

/** A uniform [0, 1) generator. */
export type Random = () => number;

/**
 * mulberry32: a small, fast 32-bit PRNG with a full 2^32 period; good enough to
 * spread faults, and never used for anything secret.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` bytes drawn from `random`. */
export function randomBytesFrom(random: Random, count: number): Buffer {
  const bytes = Buffer.alloc(count);
  for (let i = 0; i < count; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
