/**
 * The one way the repository's tests start a server: on port 0 at 127.0.0.1, so the OS picks a
 * free port (no fixed ports), with a bounded wait for 'listening'.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { LOOPBACK } from './raw-http.js';
import { within, WAIT_TIMEOUT_MS } from './wait.js';

/** Listens on port 0 at `host` (default 127.0.0.1) and resolves with the port; an http.Server is a net.Server. */
export async function listen(server: Server, host = LOOPBACK): Promise<number> {
  server.listen(0, host);
  await within(once(server, 'listening'), WAIT_TIMEOUT_MS, `a server to listen on ${host}`);
  return (server.address() as AddressInfo).port;
}

/**
 * A port nothing listens on: bound once to get it from the OS, then released. For a child process
 * told which port to take, and for a connection that must be refused.
 */
export async function freePort(host = LOOPBACK): Promise<number> {
  const server = createServer();
  const port = await listen(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
