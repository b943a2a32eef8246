/**
 * WORKERS > 1: the node:cluster primary. It forks the workers, answers their /status and
 * /metrics questions (PrimaryCoordinator, cluster.ts), replaces a worker that dies after it
 * listened, stops when one never listens, and drains them all on shutdown. start.ts owns the
 * process: it passes the clock, the ready line and exit, and turns signals into `shutdown`
 * and `reloadKeys`.
 */
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { WorkerHandle } from './cluster.js';
import { CLUSTER_IPC_TIMEOUT_MS, MSG, PrimaryCoordinator, relayKeyReload } from './cluster.js';
import type { Schedule } from '../observe/clock.js';

/** After SHUTDOWN_GRACE_MS, how much longer workers get to exit before they are killed. */
const WORKER_EXIT_MARGIN_MS = 2000;

/** What the primary needs of a forked worker (node:cluster's Worker satisfies it). */
export interface PrimaryWorker extends WorkerHandle {
  kill(signal?: string): void;
  readonly process: { kill(signal?: NodeJS.Signals | number): boolean };
}

/** What the primary needs of node:cluster (the module satisfies it; tests pass a fake). */
export interface PrimaryCluster {
  readonly workers?: NodeJS.Dict<PrimaryWorker>;
  fork(): unknown;
  on(event: 'message', listener: (worker: PrimaryWorker, message: unknown) => void): unknown;
  on(event: 'listening', listener: (worker: PrimaryWorker, address: { port: number }) => void): unknown;
  on(event: 'exit', listener: (worker: PrimaryWorker, code: number, signal: string) => void): unknown;
}

export interface PrimaryDeps {
  readonly cluster: PrimaryCluster;
  /** How many workers to fork (WORKERS). */
  readonly workers: number;
  readonly shutdownGraceMs: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called once, when every worker listens, with the port they share. */
  readonly onReady: (port: number) => void;
  readonly exit: (code: number) => void;
  /** Runs the kill deadline after the shutdown grace. */
  readonly schedule: Schedule;
}

export interface ClusterPrimary {
  /** Forks the workers. */
  readonly start: () => void;
  /** Asks every worker to drain, then exits with `exitCode` (once; later calls do nothing). */
  readonly shutdown: (reason: string, exitCode: number) => void;
  /** Relays a key reload (SIGHUP) to every worker. */
  readonly reloadKeys: () => void;
}

function liveWorkers(cluster: PrimaryCluster): PrimaryWorker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is PrimaryWorker => w !== undefined);
}

/** Asks every worker to drain, exits once all are gone, and kills what is left after the grace period. */
function drainWorkers(deps: PrimaryDeps, reason: string, exitCode: number): void {
  const { cluster, logger, exit } = deps;
  logger.info({ reason }, 'draining workers');
  for (const worker of liveWorkers(cluster)) {
    try {
      worker.send({ type: MSG.SHUTDOWN });
    } catch {
      worker.kill('SIGTERM');
    }
  }
  deps.schedule(deps.shutdownGraceMs + WORKER_EXIT_MARGIN_MS, () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    exit(exitCode);
  });
  const check = (): void => {
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info('stopped');
      exit(exitCode);
    }
  };
  cluster.on('exit', check);
  check();
}

/** Answers the workers' questions: their summed /status and the aggregated /metrics. */
function coordinate(deps: PrimaryDeps): void {
  const { cluster } = deps;
  const aggregator = new AggregatorRegistry();
  const coordinator = new PrimaryCoordinator({
    startedAtMs: deps.now(),
    now: deps.now,
    workers: () => liveWorkers(cluster),
    collectTimeoutMs: CLUSTER_IPC_TIMEOUT_MS,
    clusterMetrics: () => aggregator.clusterMetrics(),
    metricsContentType: aggregator.contentType,
  });
  cluster.on('message', (worker, message) => coordinator.onMessage(worker, message));
}

export function createClusterPrimary(deps: PrimaryDeps): ClusterPrimary {
  const { cluster, logger } = deps;
  coordinate(deps);
  let shuttingDown = false;
  const listened = new Set<number>();
  let announced = false;
  cluster.on('listening', (worker, address) => {
    listened.add(worker.id);
    if (!announced && listened.size >= deps.workers) {
      announced = true;
      deps.onReady(address.port);
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
    drainWorkers(deps, reason, exitCode);
  }
  return {
    start: () => {
      for (let i = 0; i < deps.workers; i += 1) cluster.fork();
    },
    shutdown,
    reloadKeys: () => {
      logger.info({ msg: 'SIGHUP: asking every worker to reload its keys', workers: relayKeyReload(liveWorkers(cluster)) });
    },
  };
}
