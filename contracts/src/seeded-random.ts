/**
 * A seeded uniform [0, 1) generator, shared by the mock's fault probabilities
 * (MOCK_FAULT_SEED) and the proxy's fuzz suite: the same seed gives the same
 * sequence on every run. Never used for anything secret.
 */

/** A uniform [0, 1) generator. */
export type Random = () => number;

/** mulberry32: a small, fast 32-bit PRNG with a full 2^32 period. */
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
