import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ClusterMessage, WorkerHandle } from './cluster.js';
import { MSG, PrimaryCoordinator, WorkerClient, isClusterMessage, sumStatus, workerStatus } from './cluster.js';

/** A fake worker: messages it sends reach the coordinator; messages to it reach its client. */
class FakeWorker implements WorkerHandle {
  readonly toWorker = new EventEmitter();
  connected = true;
  answers = true;
  coordinator: PrimaryCoordinator | undefined;
  client: WorkerClient;
  processed = 0;

  constructor(readonly id: number) {
    this.client = new WorkerClient(
      {
        send: (message: ClusterMessage) => {
          if (message.type === MSG.STATUS_REPORT && !this.answers) return true;
          setImmediate(() => this.coordinator?.onMessage(this, message));
          return true;
        },
        on: (event, listener) => this.toWorker.on(event, listener),
      },
      500,
      () => workerStatus(this.id, 1000 + this.id, { startedAt: 'x', uptimeSeconds: 1, requestsProcessed: this.processed, inFlight: 1 }),
    );
  }

  send(message: ClusterMessage): boolean {
    setImmediate(() => this.toWorker.emit('message', message));
    return true;
  }

  isConnected(): boolean {
    return this.connected;
  }
}

function cluster(n: number, collectTimeoutMs = 500) {
  const workers = Array.from({ length: n }, (_, i) => new FakeWorker(i + 1));
  const coordinator = new PrimaryCoordinator({
    startedAtMs: Date.UTC(2026, 0, 1),
    now: () => Date.UTC(2026, 0, 1, 0, 0, 10),
    workers: () => workers,
    collectTimeoutMs,
    clusterMetrics: async () => 'jwt_proxy_requests_total 3\n',
    metricsContentType: 'text/plain; version=0.0.4',
  });
  for (const worker of workers) worker.coordinator = coordinator;
  return { workers, coordinator };
}

test('sums requestsProcessed exactly across workers, with the primary startedAt and a breakdown', async () => {
  const { workers } = cluster(3);
  workers[0]!.processed = 7;
  workers[1]!.processed = 5;
  workers[2]!.processed = 1;
  const status = await workers[1]!.client.status();
  assert.equal(status.requestsProcessed, 13);
  assert.equal(status.inFlight, 3);
  assert.equal(status.startedAt, '2026-01-01T00:00:00.000Z');
  assert.equal(status.uptimeSeconds, 10);
  assert.deepEqual(
    status.workers.map((w) => [w.worker, w.pid, w.requestsProcessed]),
    [
      [1, 1001, 7],
      [2, 1002, 5],
      [3, 1003, 1],
    ],
  );
});

test('answers without a worker that is disconnected or does not reply in time', async () => {
  const { workers } = cluster(3, 50);
  workers[0]!.processed = 2;
  workers[1]!.processed = 4;
  workers[2]!.processed = 8;
  workers[0]!.connected = false;
  workers[2]!.answers = false;
  const status = await workers[1]!.client.status();
  assert.equal(status.requestsProcessed, 4);
  assert.equal(status.workers.length, 1);
});

test('relays aggregated metrics and their errors', async () => {
  const { workers } = cluster(1);
  assert.deepEqual(await workers[0]!.client.metrics(), {
    contentType: 'text/plain; version=0.0.4',
    body: 'jwt_proxy_requests_total 3\n',
  });
  const failing = new PrimaryCoordinator({
    startedAtMs: 0,
    now: () => 0,
    workers: () => workers,
    collectTimeoutMs: 50,
    clusterMetrics: async () => {
      throw new Error('aggregation failed');
    },
    metricsContentType: 'text/plain',
  });
  workers[0]!.coordinator = failing;
  await assert.rejects(workers[0]!.client.metrics(), /aggregation failed/);
});

test('a worker client rejects when the primary is silent or absent, and obeys shutdown', async () => {
  const silent = new WorkerClient({ send: () => true, on: () => undefined }, 20, () => workerStatus(1, 1, { startedAt: 'x', uptimeSeconds: 0, requestsProcessed: 0, inFlight: 0 }));
  await assert.rejects(silent.status(), /did not answer/);
  const absent = new WorkerClient({ on: () => undefined }, 20, () => workerStatus(1, 1, { startedAt: 'x', uptimeSeconds: 0, requestsProcessed: 0, inFlight: 0 }));
  await assert.rejects(absent.metrics(), /no IPC channel/);
  const throwing = new WorkerClient({ send: () => { throw new Error('channel closed'); }, on: () => undefined }, 20, () => workerStatus(1, 1, { startedAt: 'x', uptimeSeconds: 0, requestsProcessed: 0, inFlight: 0 }));
  await assert.rejects(throwing.status(), /no IPC channel/);

  const events = new EventEmitter();
  const client = new WorkerClient({ send: () => true, on: (e, l) => events.on(e, l) }, 20, () => workerStatus(1, 1, { startedAt: 'x', uptimeSeconds: 0, requestsProcessed: 0, inFlight: 0 }));
  let stopped = 0;
  client.onShutdown(() => (stopped += 1));
  events.emit('message', { type: MSG.SHUTDOWN });
  events.emit('message', 'not ours');
  events.emit('message', { type: 'jwt-proxy:status-response', id: 999 });
  assert.equal(stopped, 1);
});

test('the coordinator ignores foreign and stray messages and answers with no workers', async () => {
  const coordinator = new PrimaryCoordinator({
    startedAtMs: 0,
    now: () => 2000,
    workers: () => [],
    collectTimeoutMs: 10,
    clusterMetrics: async () => '',
    metricsContentType: 'text/plain',
  });
  const worker: WorkerHandle = { id: 1, send: () => true, isConnected: () => true };
  coordinator.onMessage(worker, { type: 'prom-client:getMetricsRes' });
  coordinator.onMessage(worker, { type: MSG.STATUS_REPORT, id: 12345 });
  coordinator.onMessage(worker, { type: 'jwt-proxy:unknown' });
  const status = await coordinator.collect();
  assert.deepEqual(status, { startedAt: '1970-01-01T00:00:00.000Z', uptimeSeconds: 2, requestsProcessed: 0, inFlight: 0, workers: [] });
  const failingSend: WorkerHandle = { id: 2, send: () => false, isConnected: () => true };
  const lonely = new PrimaryCoordinator({
    startedAtMs: 0,
    now: () => 0,
    workers: () => [failingSend],
    collectTimeoutMs: 1000,
    clusterMetrics: async () => '',
    metricsContentType: 'text/plain',
  });
  assert.equal((await lonely.collect()).workers.length, 0);
});

test('sumStatus and isClusterMessage are pure helpers', () => {
  assert.equal(isClusterMessage({ type: 'jwt-proxy:x' }), true);
  assert.equal(isClusterMessage({ type: 'other' }), false);
  assert.equal(isClusterMessage(null), false);
  assert.equal(sumStatus(0, 1000, []).requestsProcessed, 0);
});
