/**
 * Entry point: the only file that reads process.env, opens a port and handles signals.
 * `npm run start:upstream` runs the compiled copy.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { ConfigError } from '../../contracts/src/index.js';
import { createApp } from './app.js';
import { parseConfig } from './config/config.js';
import type { MockConfig } from './config/config.js';

/** In-flight requests (a delayed fault can last 60 s) get this long after SIGTERM before their sockets are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

let config: MockConfig;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`mock-upstream: ${error.message}\n`);
  process.exit(1);
}

const logger = pino({ name: 'mock-upstream', level: config.logLevel });

let server: Server;
try {
  server = createApp({ config, now: Date.now, randomId: randomUUID, logger });
} catch (error) {
  // e.g. MOCK_JOURNAL_FILE in a folder the process may not write to.
  process.stderr.write(`mock-upstream: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

server.on('error', (error: NodeJS.ErrnoException) => {
  // Issue #23: a port in use names the port and the variable to change (`make run` maps MOCK_PORT to it).
  const hint =
    error.code === 'EADDRINUSE'
      ? `port ${config.port} is already in use on ${config.host}: set HTTP_PORT to a free port (MOCK_PORT under make run) or stop what holds it`
      : `${config.host}:${config.port}: ${error.message}`;
  process.stderr.write(`mock-upstream: cannot listen: ${hint}\n`);
  process.exit(1);
});

/** Where a person opens the inspector (issue #23): PUBLIC_URL (compose: the host port), else the bound address. */
function publicUrl(port: number): string {
  const configured = process.env.PUBLIC_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    {
      port,
      page: `${publicUrl(port)}/__mock/`,
      host: config.host,
      tokenHeader: config.token.header,
      requireToken: config.requireToken,
      journalFile: config.journalFile ?? null,
    },
    'listening',
  );
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  server.close(() => {
    logger.info({}, 'stopped');
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
