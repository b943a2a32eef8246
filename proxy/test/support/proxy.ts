/**
 * The proxy under test: built with createApp (never start.ts) on port 0, its log lines captured in
 * memory so a test can read them and check that nothing secret appears.
 */
import type http from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../../contracts/testing/raw-http.js';
import { until, within } from '../../../contracts/testing/wait.js';
import { listen } from '../../../contracts/testing/listen.js';
import { createApp } from '../../src/app.js';
import type { AppDeps, ProxyApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/config.js';
import type { ProxyConfig } from '../../src/config/config.js';

/** Per-test budget: every test passes `{ timeout: TEST_TIMEOUT_MS }`. */
export const TEST_TIMEOUT_MS = 10_000;

export type LogRecord = Record<string, unknown>;

export interface RunningProxy {
  readonly app: ProxyApp;
  readonly config: ProxyConfig;
  readonly server: http.Server;
  readonly port: number;
  readonly host: string;
  /** `http://127.0.0.1:port` */
  readonly origin: string;
  /** Every log line the proxy wrote, as written (to check nothing secret appears). */
  readonly logLines: string[];
  /** The same lines parsed, kept as they arrive. */
  readonly logs: LogRecord[];
  /** The log lines parsed as JSON objects (a fresh copy). */
  logRecords(): LogRecord[];
  /** Number of open client connections, as the server counts them. */
  connections(): Promise<number>;
  /** Closes the proxy; with graceMs 0 (default) open connections are cut first. */
  close(graceMs?: number): Promise<void>;
}

export interface ProxyOptions {
  /** Address to listen on; `::1` lets a test see an IPv6 client address. */
  readonly host?: string;
  /** Adjusts the server before it listens (e.g. timer resolution for slowloris tests). */
  readonly beforeListen?: (server: http.Server) => void;
  /** Fixed clock (epoch ms); default Date.now. */
  readonly now?: () => number;
  /** Nonce source; default a counter `test-jti-000000000001`, ... */
  readonly randomId?: () => string;
  readonly sources?: AppDeps['sources'];
}

/**
 * Builds the proxy with createApp from `env` (parsed by the proxy's own parseConfig),
 * logging at `LOG_LEVEL` (default info) into memory, and listens on port 0.
 */
export async function startProxy(env: Readonly<Record<string, string>>, options: ProxyOptions = {}): Promise<RunningProxy> {
  const config = parseConfig({ LOG_LEVEL: 'info', ...env });
  const logLines: string[] = [];
  const logs: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        logLines.push(line);
        logs.push(JSON.parse(line) as LogRecord);
      }
      callback();
    },
  });
  const logger = pino({ level: config.logLevel }, sink);
  let sequence = 0;
  const app = createApp({
    config,
    now: options.now ?? Date.now,
    randomId: options.randomId ?? (() => `test-jti-${String(++sequence).padStart(12, '0')}`),
    logger,
    defaultMetrics: false,
    ...(options.sources === undefined ? {} : { sources: options.sources }),
  });
  const server = app.server;
  options.beforeListen?.(server);
  const host = options.host ?? LOOPBACK;
  const port = await listen(server, host);
  return {
    app,
    config,
    server,
    port,
    host,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    logLines,
    logs,
    logRecords: () => [...logs],
    connections: () =>
      new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: async (graceMs = 0) => {
      if (graceMs === 0) server.closeAllConnections();
      await within(app.close(graceMs), graceMs + EXCHANGE_TIMEOUT_MS, 'the proxy to close');
    },
  };
}

/** The log records carrying a given error code anywhere among their fields. */
export function logsWithCode(proxy: RunningProxy, code: string): Record<string, unknown>[] {
  return proxy.logRecords().filter((record) => JSON.stringify(record).includes(`"${code}"`));
}

/** Resolves with the log records carrying `code` once at least one was written (bounded). */
export async function awaitLogged(proxy: RunningProxy, code: string, ms = 2_000): Promise<Record<string, unknown>[]> {
  await until(() => logsWithCode(proxy, code).length > 0, `a log line with code ${code}`, { timeoutMs: ms });
  return logsWithCode(proxy, code);
}
