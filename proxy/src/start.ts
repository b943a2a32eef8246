/**
 * The only file that reads process.env, opens ports and handles signals: it reads the
 * environment, builds the app (app.ts), listens, and turns signals into drain and reload.
 * main.ts (the entry) imports it once node:http's ES module namespace is built without undici.
 * WORKERS=1: one process. WORKERS>1 (or auto): the node:cluster primary
 * (server/cluster-primary.ts) forks the workers and drains them all on SIGTERM/SIGINT;
 * each worker runs runWorker.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { ConfigError } from '../../contracts/src/index.js';
import { createApp } from './app.js';
import { createNonceSource } from './keys/nonce.js';
import type { ProxyApp } from './app.js';
import type { StatusSources } from './server/own-endpoints.js';
import { CLUSTER_IPC_TIMEOUT_MS, WorkerClient, workerStatus } from './server/cluster.js';
import { unrefTimeout } from './observe/clock.js';
import { createProcessLogger } from './observe/process-logger.js';
import type { ProxyConfig } from './config/config.js';
import { parseConfig } from './config/config.js';
import { startWarnings } from './config/start-warnings.js';

function loadConfig(): ProxyConfig {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`jwt-proxy: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * JSON lines through a buffered destination written synchronously, pretty lines on a terminal
 * (observe/process-logger.ts). 'exit' also runs after an uncaught exception and after
 * drainAndExit, so the buffer is written out on SIGTERM and on a crash.
 */
function makeLogger(config: ProxyConfig): Logger {
  const { logger, flushSync } = createProcessLogger({ level: config.logLevel, pretty: process.stdout.isTTY === true });
  process.on('exit', flushSync);
  return logger;
}

/** The ready line is printed whatever LOG_LEVEL says: scripts and tests wait for it. */
function announce(logger: Logger, fields: Record<string, unknown>): void {
  // A child at info shares the process's synchronous destination; pino's default one would write
  // on libuv's thread pool and start its four threads for this one line (issue #22: RSS).
  const target = logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
  target.info(fields, 'listening');
  target.flush();
}

/**
 * Where a person reaches this proxy (issue #23): PUBLIC_URL when the port they asked for is not the
 * one bound (compose publishes host HTTP_PORT → container 8080 and sets it), else the bound address
 * (a wildcard host as localhost). Only printed, never used to route or sign.
 */
function publicUrl(config: ProxyConfig, port: number): string {
  const { host } = config;
  const configured = process.env.PUBLIC_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  // TLS_CERT_FILE (issue #24): the port speaks HTTPS only.
  return `${config.tls === undefined ? 'http' : 'https'}://${shown}:${port}`;
}

/** A listen failure that says what to do (issue #23): EADDRINUSE names the port and HTTP_PORT. */
function cannotListen(err: NodeJS.ErrnoException, config: ProxyConfig, logger: Logger): never {
  const hint =
    err.code === 'EADDRINUSE'
      ? `port ${config.port} is already in use on ${config.host}: set HTTP_PORT to a free port (e.g. HTTP_PORT=${config.port < 65_000 ? config.port + 10 : 9090}) or stop what holds it`
      : `${config.host}:${config.port}: ${err.message}`;
  logger.fatal({ err: err.message, code: err.code, port: config.port, host: config.host }, `cannot listen: ${hint}`);
  logger.flush();
  process.stderr.write(`jwt-proxy: cannot listen: ${hint}\n`);
  process.exit(1);
}

function listen(app: ProxyApp, config: ProxyConfig, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    app.server.once('error', (err: NodeJS.ErrnoException) => cannotListen(err, config, logger));
    app.server.listen(config.port, config.host, () => {
      const address = app.server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : config.port);
    });
  });
}

/**
 * SIGTERM and SIGINT, installed before anything listens, like SIGHUP below, and kept (`on`, not
 * `once`): with `once` the default disposition came back after the first signal, so a second one
 * during the drain killed the process mid-drain (seen as a flaky exit by SIGTERM in
 * main-messages.test.ts). Before the app exists nothing is in flight: the process just exits 0.
 * The stop handlers are idempotent (each has its own draining guard).
 */
function installStopSignals(): (stop: (signal: string) => void) => void {
  let stopper: ((signal: string) => void) | undefined;
  const onSignal = (signal: string): void => {
    if (stopper === undefined) process.exit(0);
    else stopper(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return (stop) => {
    stopper = stop;
  };
}

/**
 * SIGHUP re-reads JWT_KEYS_FILE (issue #12); without a handler it ends the process.
 * So the handler is the first thing this file installs, before the config is read
 * and long before listening: a SIGHUP sent right after start killed the process
 * (issue #21, item 9). Until the app can reload, a SIGHUP is remembered and run once
 * the reloader is set (the file may have changed since the config read it).
 */
function installReloadSignal(): (reload: () => void) => void {
  let reloader: (() => void) | undefined;
  let pending = false;
  process.on('SIGHUP', () => {
    if (reloader === undefined) pending = true;
    else reloader();
  });
  return (reload) => {
    reloader = reload;
    if (pending) {
      pending = false;
      reload();
    }
  };
}

async function drainAndExit(app: ProxyApp, config: ProxyConfig, logger: Logger, reason: string): Promise<never> {
  logger.info({ reason, inFlight: app.status.inFlight }, 'draining');
  await app.close(config.shutdownGraceMs);
  logger.info({ requestsProcessed: app.status.requestsProcessed }, 'stopped');
  process.exit(0);
}

async function runSingle(config: ProxyConfig, logger: Logger): Promise<void> {
  const app = createApp({ config, now: Date.now, randomId: createNonceSource(), logger });
  // Before listening (issue #21, item 9): a SIGHUP from now on reloads, a SIGTERM drains.
  onReloadSignal(() => void app.reload());
  let draining = false;
  onSignals((signal) => {
    if (draining) return;
    draining = true;
    void drainAndExit(app, config, logger, signal);
  });
  const port = await listen(app, config, logger);
  announce(logger, {
    port,
    url: publicUrl(config, port),
    host: config.host,
    upstream: config.upstream.href,
    workers: 1,
    signedMethods: [...config.signedMethods],
  });
}

async function runWorker(config: ProxyConfig, logger: Logger): Promise<void> {
  const workerId = cluster.worker?.id ?? 0;
  // The primary only asks for counters once a worker listens, after `app` exists.
  const client = new WorkerClient(process, CLUSTER_IPC_TIMEOUT_MS, () =>
    workerStatus(workerId, process.pid, built.status.snapshot()),
  );
  const sources: StatusSources = { status: () => client.status(), metrics: () => client.metrics() };
  const built = createApp({ config, now: Date.now, randomId: createNonceSource(), logger, sources });
  // prom-client answers the primary's aggregation requests from this registry, so a worker loads
  // it at start (one process alone loads it at the first scrape, observe/metrics.ts).
  const { AggregatorRegistry } = await import('prom-client');
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([await built.metrics.registry()]);
  // The primary relays its SIGHUP; a SIGHUP sent to this worker alone reloads it alone.
  // Both before listening, as in runSingle (issue #21, item 9).
  client.onReloadKeys(() => void built.reload());
  onReloadSignal(() => void built.reload());
  let draining = false;
  const drain = (reason: string): void => {
    if (draining) return;
    draining = true;
    void drainAndExit(built, config, logger, reason);
  };
  client.onShutdown(() => drain('primary'));
  onSignals(drain);
  process.on('disconnect', () => drain('primary gone'));
  await listen(built, config, logger);
}

async function runPrimary(config: ProxyConfig, logger: Logger): Promise<void> {
  // Loaded here, not at the top: it brings prom-client's AggregatorRegistry, which one process
  // alone (WORKERS=1) loads only at its first scrape (issue #22).
  const { createClusterPrimary } = await import('./server/cluster-primary.js');
  const primary = createClusterPrimary({
    cluster,
    workers: config.workers,
    shutdownGraceMs: config.shutdownGraceMs,
    logger,
    now: Date.now,
    onReady: (port) =>
      announce(logger, { port, url: publicUrl(config, port), host: config.host, upstream: config.upstream.href, workers: config.workers }),
    exit: (code) => process.exit(code),
    schedule: unrefTimeout,
  });
  onSignals((signal) => primary.shutdown(signal, 0));
  // Before the workers are forked, so before anything listens (issue #21, item 9).
  onReloadSignal(() => primary.reloadKeys());
  primary.start();
}

/**
 * Node's Buffer pool slab: 4 KB instead of the default 8 KB (Buffer.poolSize, a documented setting;
 * strings up to 2 KB are still pooled). jsonwebtoken (through jws) takes two small Buffers from the
 * pool for every token. Under load, 8 KB slabs outlived the scavenges and waited in the old
 * generation for a mark-compact: 5-7 MB of dead slabs and a malloc heap of 13 MB, against 6 MB
 * without signing or with slabs of 4 KB or smaller (issue #22; docs/performance.md, "The Buffer pool").
 */
const BUFFER_POOL_BYTES = 4096;
Buffer.poolSize = BUFFER_POOL_BYTES;

const onReloadSignal = installReloadSignal();
const onSignals = installStopSignals();
const config = loadConfig();
const logger = makeLogger(config);
// Once per proxy, not once per worker.
if (!cluster.isWorker) for (const warning of startWarnings(config)) logger.warn({ code: warning.code }, warning.msg);
if (cluster.isWorker) {
  void runWorker(config, logger);
} else if (config.workers > 1) {
  void runPrimary(config, logger);
} else {
  void runSingle(config, logger);
}
