/**
 * How long the server lets a closing socket linger. Its timers come in as a Schedule
 * (observe/clock.ts), so tests run them by hand instead of sleeping.
 */
import type { Duplex } from 'node:stream';
import type { Schedule } from '../observe/clock.js';

/**
 * How long a socket answered with a closing error (a refused connection, a parse error,
 * CONNECT) may linger for that answer to drain before it is destroyed. The server socket is
 * half-open capable, so end() alone would wait for the client's FIN; destroying at once
 * could cut the answer off.
 */
export const SOCKET_LINGER_MS = 1000;

/** Destroys `socket` after SOCKET_LINGER_MS unless it is gone by then. */
export function destroyAfterLinger(socket: Duplex, schedule: Schedule): void {
  schedule(SOCKET_LINGER_MS, () => {
    if (!socket.destroyed) socket.destroy();
  });
}
