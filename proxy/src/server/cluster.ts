/**
 * WORKERS > 1: the IPC between the cluster primary and its workers (issue #7).
 * GET /status on any worker returns the whole proxy: the worker asks the
 * primary, the primary asks every worker for its own counters and sums them
 * exactly, with the primary's startedAt and a per-worker breakdown. /metrics is
 * aggregated the same way through prom-client's AggregatorRegistry.
 *
 * Everything here works on small interfaces (WorkerHandle, ProcessChannel), so
 * the tests drive it with fake workers instead of real forks.
 */
import type { ClusterStatus, StatusSnapshot, WorkerStatus } from '../observe/status.js';
import { uptimeSeconds } from '../observe/status.js';

/** Workers answer the primary within this, or /status is served without them. */
export const CLUSTER_IPC_TIMEOUT_MS = 2000;

const PREFIX = 'jwt-proxy:';
export const MSG = Object.freeze({
  STATUS_REQUEST: `${PREFIX}status-request`,
  STATUS_COLLECT: `${PREFIX}status-collect`,
  STATUS_REPORT: `${PREFIX}status-report`,
  STATUS_RESPONSE: `${PREFIX}status-response`,
  METRICS_REQUEST: `${PREFIX}metrics-request`,
  METRICS_RESPONSE: `${PREFIX}metrics-response`,
  SHUTDOWN: `${PREFIX}shutdown`,
  /** SIGHUP on the primary: every worker re-reads JWT_KEYS_FILE (issue #12). */
  RELOAD_KEYS: `${PREFIX}reload-keys`,
});

/** Relays a key reload to every connected worker; returns how many were asked. */
export function relayKeyReload(workers: Iterable<WorkerHandle>): number {
  let asked = 0;
  for (const worker of workers) {
    if (worker.isConnected() && safeSend(worker, { type: MSG.RELOAD_KEYS })) asked += 1;
  }
  return asked;
}

export interface ClusterMessage {
  readonly type: string;
  readonly id?: number;
  readonly status?: WorkerStatus | ClusterStatus;
  readonly body?: string;
  readonly contentType?: string;
  readonly error?: string;
}

export function isClusterMessage(value: unknown): value is ClusterMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    (value as { type: string }).type.startsWith(PREFIX)
  );
}

/** What the primary needs of a worker (node:cluster's Worker satisfies it). */
export interface WorkerHandle {
  readonly id: number;
  send(message: ClusterMessage): boolean;
  isConnected(): boolean;
}

/** Sums worker snapshots into the whole proxy's status. Pure. */
export function sumStatus(startedAtMs: number, nowMs: number, reports: readonly WorkerStatus[]): ClusterStatus {
  let requestsProcessed = 0;
  let inFlight = 0;
  for (const report of reports) {
    requestsProcessed += report.requestsProcessed;
    inFlight += report.inFlight;
  }
  return {
    startedAt: new Date(startedAtMs).toISOString(),
    uptimeSeconds: uptimeSeconds(startedAtMs, nowMs),
    requestsProcessed,
    inFlight,
    workers: [...reports].sort((a, b) => a.worker - b.worker),
  };
}

export interface PrimaryOptions {
  readonly startedAtMs: number;
  readonly now: () => number;
  readonly workers: () => Iterable<WorkerHandle>;
  /** How long to wait for a worker's report before answering without it. */
  readonly collectTimeoutMs: number;
  /** The cluster's aggregated metrics (AggregatorRegistry.clusterMetrics in production). */
  readonly clusterMetrics: () => Promise<string>;
  readonly metricsContentType: string;
}

interface Collection {
  readonly pending: Set<number>;
  readonly reports: WorkerStatus[];
  readonly done: (reports: WorkerStatus[]) => void;
  readonly timer: NodeJS.Timeout;
}

/** The primary's side: answers workers' status and metrics requests. */
export class PrimaryCoordinator {
  readonly #options: PrimaryOptions;
  readonly #collections = new Map<number, Collection>();
  #nextId = 1;

  constructor(options: PrimaryOptions) {
    this.#options = options;
  }

  /** Feed every message from any worker here (cluster.on('message')). */
  onMessage(worker: WorkerHandle, message: unknown): void {
    if (!isClusterMessage(message)) return;
    switch (message.type) {
      case MSG.STATUS_REQUEST:
        void this.#answerStatus(worker, message.id ?? 0);
        break;
      case MSG.STATUS_REPORT:
        this.#report(worker, message);
        break;
      case MSG.METRICS_REQUEST:
        void this.#answerMetrics(worker, message.id ?? 0);
        break;
      default:
        break;
    }
  }

  /** Asks every connected worker for its counters and sums them. */
  collect(): Promise<ClusterStatus> {
    const id = this.#nextId++;
    const targets = [...this.#options.workers()].filter((worker) => worker.isConnected());
    return new Promise<WorkerStatus[]>((resolve) => {
      if (targets.length === 0) {
        resolve([]);
        return;
      }
      const timer = setTimeout(() => this.#finish(id), this.#options.collectTimeoutMs);
      this.#collections.set(id, { pending: new Set(targets.map((w) => w.id)), reports: [], done: resolve, timer });
      for (const worker of targets) {
        if (!safeSend(worker, { type: MSG.STATUS_COLLECT, id })) this.#settle(id, worker.id);
      }
    }).then((reports) => sumStatus(this.#options.startedAtMs, this.#options.now(), reports));
  }

  #report(worker: WorkerHandle, message: ClusterMessage): void {
    const collection = this.#collections.get(message.id ?? -1);
    if (collection === undefined || !collection.pending.has(worker.id)) return;
    const status = message.status as WorkerStatus | undefined;
    if (status !== undefined) collection.reports.push({ ...status, worker: worker.id });
    this.#settle(message.id as number, worker.id);
  }

  #settle(id: number, workerId: number): void {
    const collection = this.#collections.get(id);
    if (collection === undefined) return;
    collection.pending.delete(workerId);
    if (collection.pending.size === 0) this.#finish(id);
  }

  #finish(id: number): void {
    const collection = this.#collections.get(id);
    if (collection === undefined) return;
    clearTimeout(collection.timer);
    this.#collections.delete(id);
    collection.done(collection.reports);
  }

  async #answerStatus(worker: WorkerHandle, id: number): Promise<void> {
    const status = await this.collect();
    safeSend(worker, { type: MSG.STATUS_RESPONSE, id, status });
  }

  async #answerMetrics(worker: WorkerHandle, id: number): Promise<void> {
    try {
      const body = await this.#options.clusterMetrics();
      safeSend(worker, { type: MSG.METRICS_RESPONSE, id, body, contentType: this.#options.metricsContentType });
    } catch (err) {
      safeSend(worker, { type: MSG.METRICS_RESPONSE, id, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function safeSend(target: { send(message: ClusterMessage): boolean }, message: ClusterMessage): boolean {
  try {
    return target.send(message);
  } catch {
    return false;
  }
}

/** A worker's channel to its primary (`process` in a cluster worker). */
export interface ProcessChannel {
  send?(message: ClusterMessage): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

interface Pending {
  readonly resolve: (message: ClusterMessage) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The worker's side: answers the primary's collections, asks it for the whole proxy's numbers. */
export class WorkerClient {
  readonly #channel: ProcessChannel;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #local: () => WorkerStatus;
  #onShutdown: () => void = () => undefined;
  #onReloadKeys: () => void = () => undefined;

  constructor(channel: ProcessChannel, timeoutMs: number, local: () => WorkerStatus) {
    this.#channel = channel;
    this.#timeoutMs = timeoutMs;
    this.#local = local;
    channel.on('message', (message) => this.#onMessage(message));
  }

  /** Sets where this worker's own counters come from (the app is built after the client). */
  setLocal(local: () => WorkerStatus): void {
    this.#local = local;
  }

  onShutdown(listener: () => void): void {
    this.#onShutdown = listener;
  }

  onReloadKeys(listener: () => void): void {
    this.#onReloadKeys = listener;
  }

  #onMessage(message: unknown): void {
    if (!isClusterMessage(message)) return;
    if (message.type === MSG.STATUS_COLLECT) {
      this.#send({ type: MSG.STATUS_REPORT, id: message.id as number, status: this.#local() });
      return;
    }
    if (message.type === MSG.SHUTDOWN) {
      this.#onShutdown();
      return;
    }
    if (message.type === MSG.RELOAD_KEYS) {
      this.#onReloadKeys();
      return;
    }
    const pending = this.#pending.get(message.id ?? -1);
    if (pending === undefined) return;
    this.#pending.delete(message.id as number);
    clearTimeout(pending.timer);
    if (message.error !== undefined) pending.reject(new Error(message.error));
    else pending.resolve(message);
  }

  #send(message: ClusterMessage): boolean {
    return this.#channel.send === undefined ? false : safeSend({ send: (m) => this.#channel.send?.(m) ?? false }, message);
  }

  #ask(type: string): Promise<ClusterMessage> {
    const id = this.#nextId++;
    return new Promise<ClusterMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the cluster primary did not answer ${type} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      if (!this.#send({ type, id })) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new Error('no IPC channel to the cluster primary'));
      }
    });
  }

  /** The whole proxy's status (the primary sums every worker's counters). */
  async status(): Promise<ClusterStatus> {
    const answer = await this.#ask(MSG.STATUS_REQUEST);
    return answer.status as ClusterStatus;
  }

  /** The whole proxy's metrics, aggregated by the primary. */
  async metrics(): Promise<{ contentType: string; body: string }> {
    const answer = await this.#ask(MSG.METRICS_REQUEST);
    return { contentType: answer.contentType ?? 'text/plain', body: answer.body ?? '' };
  }
}

/** A worker's own line in the breakdown. */
export function workerStatus(worker: number, pid: number, snapshot: StatusSnapshot): WorkerStatus {
  return { ...snapshot, worker, pid };
}
