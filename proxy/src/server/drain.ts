/** Graceful close (SIGTERM/SIGINT, via start.ts and the app's `close`). */
import type http from 'node:http';
import type { Schedule } from '../observe/clock.js';

/**
 * Stops accepting, closes idle keep-alive connections now, lets in-flight requests finish
 * for up to `graceMs`, then cuts every connection left.
 */
export async function closeGracefully(server: http.Server, graceMs: number, schedule: Schedule): Promise<void> {
  await new Promise<void>((resolve) => {
    const cancel = schedule(graceMs, () => server.closeAllConnections());
    server.close(() => {
      cancel();
      resolve();
    });
    server.closeIdleConnections();
  });
}
