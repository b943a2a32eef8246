/**
 * The bcrypt comparisons, off the event loop (issue #24): bcryptjs is pure JavaScript and its
 * async API runs in 100 ms slices on the calling thread, so a flood of wrong passwords took the
 * event loop from every other client. Each worker compares one password at a time; bcrypt-pool.ts
 * sends the work and bcrypt-gate.ts bounds how much may wait.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export interface CompareRequest {
  readonly id: number;
  readonly password: string;
  readonly hash: string;
}

export interface CompareAnswer {
  readonly id: number;
  readonly matches: boolean;
}

parentPort?.on('message', (request: CompareRequest) => {
  let matches = false;
  try {
    matches = bcrypt.compareSync(request.password, request.hash);
  } catch {
    // A malformed hash never matches; the users file parser refuses those anyway.
  }
  parentPort?.postMessage({ id: request.id, matches } satisfies CompareAnswer);
});
