/**
 * The mock's randomness, injected (STYLE.md): fault probabilities, jitter and
 * random-then-close bytes all draw from one `() => number` in [0, 1). With
 * MOCK_FAULT_SEED the sequence is reproducible, so a chaos run that failed can
 * be run again with the same faults on the same requests.
 */

import type { Random } from '../../../contracts/src/index.js';
// mulberry32 lives in contracts/ (the proxy's fuzz suite seeds from it too).
export { seededRandom } from '../../../contracts/src/index.js';
export type { Random } from '../../../contracts/src/index.js';

/** `count` bytes drawn from `random`. */
export function randomBytesFrom(random: Random, count: number): Buffer {
  const bytes = Buffer.alloc(count);
  for (let i = 0; i < count; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}
