/**
 * The only file that reads process.env, opens ports and handles signals.
 * WORKERS=1: one process. WORKERS>1 (or auto): a node:cluster primary forks the
 * workers, answers their /status and /metrics questions, and drains them all
 * on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { ConfigError } from '../../contracts/src/index.js';
import { createApp } from './app.js';
import { createNonceSource } from './keys/nonce.js';
import type { ProxyApp } from './app.js';
import type { StatusSources } from './server/own-endpoints.js';
import { MSG, PrimaryCoordinator, WorkerClient, relayKeyReload, workerStatus } from './server/cluster.js';
import type { ProxyConfig } from './config/config.js';
import { parseConfig } from './config/config.js';
import { startWarnings } from './config/start-warnings.js';

/** Workers answer the primary within this, or /status is served without them. */
const CLUSTER_IPC_TIMEOUT_MS = 2000;

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
 * Logs go through an asynchronous, buffered destination: one write(2) per few
 * lines instead of one per request (issue #7). It is flushed every 250 ms, after
 * the ready line and before exit, so nothing is lost or left waiting.
 */
function makeLogger(config: ProxyConfig): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), 250).unref();
  process.on('exit', () => destination.flushSync());
  return pino({ level: config.logLevel, base: { pid: process.pid } }, destination);
}

/** The ready line is printed whatever LOG_LEVEL says: scripts and tests wait for it. */
function announce(logger: Logger, fields: Record<string, unknown>): void {
  const target = logger.isLevelEnabled('info') ? logger : pino({ base: { pid: process.pid } });
  target.info(fields, 'listening');
  target.flush();
}

function listen(app: ProxyApp, config: ProxyConfig, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    app.server.once('error', (err: Error) => {
      logger.fatal({ err: err.message }, 'cannot listen');
      process.exit(1);
    });
    app.server.listen(config.port, config.host, () => {
      const address = app.server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : config.port);
    });
  });
}

function onSignals(handler: (signal: string) => void): void {
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

/** SIGHUP re-reads JWT_KEYS_FILE (issue #12); without a handler it would end the process. */
function onReloadSignal(reload: () => void): void {
  process.on('SIGHUP', reload);
}

async function drainAndExit(app: ProxyApp, config: ProxyConfig, logger: Logger, reason: string): Promise<never> {
  logger.info({ reason, inFlight: app.status.inFlight }, 'draining');
  await app.close(config.shutdownGraceMs);
  logger.info({ requestsProcessed: app.status.requestsProcessed }, 'stopped');
  process.exit(0);
}

async function runSingle(config: ProxyConfig, logger: Logger): Promise<void> {
  const app = createApp({ config, now: Date.now, randomId: createNonceSource(), logger });
  const port = await listen(app, config, logger);
  announce(logger, {
    port,
    host: config.host,
    upstream: config.upstream.href,
    workers: 1,
    signedMethods: [...config.signedMethods],
  });
  let draining = false;
  onSignals((signal) => {
    if (draining) return;
    draining = true;
    void drainAndExit(app, config, logger, signal);
  });
  onReloadSignal(() => app.reloadKeys());
}

async function runWorker(config: ProxyConfig, logger: Logger): Promise<void> {
  const workerId = cluster.worker?.id ?? 0;
  // The primary only asks for counters once a worker listens, after `app` exists.
  const client = new WorkerClient(process, CLUSTER_IPC_TIMEOUT_MS, () =>
    workerStatus(workerId, process.pid, built.status.snapshot()),
  );
  const sources: StatusSources = { status: () => client.status(), metrics: () => client.metrics() };
  const built = createApp({ config, now: Date.now, randomId: createNonceSource(), logger, sources });
  // prom-client answers the primary's aggregation requests from this registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([built.metrics.registry]);
  await listen(built, config, logger);
  let draining = false;
  const drain = (reason: string): void => {
    if (draining) return;
    draining = true;
    void drainAndExit(built, config, logger, reason);
  };
  client.onShutdown(() => drain('primary'));
  onSignals(drain);
  // The primary relays its SIGHUP; a SIGHUP sent to this worker alone reloads it alone.
  client.onReloadKeys(() => built.reloadKeys());
  onReloadSignal(() => built.reloadKeys());
  process.on('disconnect', () => drain('primary gone'));
}

function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
}

/** Asks every worker to drain, exits once all are gone, and kills what is left after the grace period. */
function drainWorkers(config: ProxyConfig, logger: Logger, reason: string, exitCode: number): void {
  logger.info({ reason }, 'draining workers');
  for (const worker of liveWorkers()) {
    try {
      worker.send({ type: MSG.SHUTDOWN });
    } catch {
      worker.kill('SIGTERM');
    }
  }
  const deadline = setTimeout(() => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    process.exit(exitCode);
  }, config.shutdownGraceMs + 2000);
  deadline.unref();
  const check = (): void => {
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info('stopped');
      process.exit(exitCode);
    }
  };
  cluster.on('exit', check);
  check();
}

function runPrimary(config: ProxyConfig, logger: Logger): void {
  const startedAtMs = Date.now();
  const aggregator = new AggregatorRegistry();
  const coordinator = new PrimaryCoordinator({
    startedAtMs,
    now: Date.now,
    workers: liveWorkers,
    collectTimeoutMs: CLUSTER_IPC_TIMEOUT_MS,
    clusterMetrics: () => aggregator.clusterMetrics(),
    metricsContentType: aggregator.contentType,
  });
  cluster.on('message', (worker, message) => coordinator.onMessage(worker, message));

  let shuttingDown = false;
  const listened = new Set<number>();
  let announced = false;
  cluster.on('listening', (worker, address) => {
    listened.add(worker.id);
    if (!announced && listened.size >= config.workers) {
      announced = true;
      announce(logger, { port: address.port, host: config.host, upstream: config.upstream.href, workers: config.workers });
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (shuttingDown) return;
    if (!listened.has(worker.id)) {
      // A worker that never listened (port taken, bad environment) would fail again: stop.
      logger.fatal({ worker: worker.id, code, signal }, 'worker failed to start');
      shutdown('worker failed', 1);
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'worker died, forking a replacement');
    cluster.fork();
  });

  function shutdown(reason: string, exitCode: number): void {
    if (shuttingDown) return;
    shuttingDown = true;
    drainWorkers(config, logger, reason, exitCode);
  }
  onSignals((signal) => shutdown(signal, 0));
  onReloadSignal(() => {
    logger.info({ msg: 'SIGHUP: asking every worker to reload its keys', workers: relayKeyReload(liveWorkers()) });
  });

  for (let i = 0; i < config.workers; i += 1) cluster.fork();
}

const config = loadConfig();
const logger = makeLogger(config);
// Once per proxy, not once per worker.
if (!cluster.isWorker) for (const warning of startWarnings(config)) logger.warn({ code: warning.code }, warning.msg);
if (cluster.isWorker) {
  void runWorker(config, logger);
} else if (config.workers > 1) {
  runPrimary(config, logger);
} else {
  void runSingle(config, logger);
}
