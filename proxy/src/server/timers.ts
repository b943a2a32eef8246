/**
 * The server's timers, injected (STYLE: clock, timers and randomness are injected; tests
 * never sleep on wall time). Production uses `unrefTimeout`; a test passes a Schedule that
 * records the task and runs it when the test says so.
 */
import type { Duplex } from 'node:stream';

/** Runs `task` once after `delayMs` without keeping the process alive; returns a cancel. */
export type Schedule = (delayMs: number, task: () => void) => () => void;

/** The production Schedule: an unref'd setTimeout. */
export const unrefTimeout: Schedule = (delayMs, task) => {
  const timer = setTimeout(task, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

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
