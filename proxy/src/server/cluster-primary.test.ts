import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { ClusterMessage } from './cluster.js';
import { MSG } from './cluster.js';
import type { PrimaryCluster, PrimaryWorker } from './cluster-primary.js';
import { createClusterPrimary } from './cluster-primary.js';
import type { Schedule } from '../observe/clock.js';

class FakeWorker implements PrimaryWorker {
  readonly sent: ClusterMessage[] = [];
  readonly signals: string[] = [];
  acceptsMessages = true;
  readonly process = {
    kill: (signal?: NodeJS.Signals | number): boolean => {
      this.signals.push(String(signal));
      return true;
    },
  };

  constructor(readonly id: number) {}

  send(message: ClusterMessage): boolean {
    if (!this.acceptsMessages) throw new Error('channel closed');
    this.sent.push(message);
    return true;
  }

  isConnected(): boolean {
    return true;
  }

  kill(signal?: string): void {
    this.signals.push(`kill ${signal}`);
  }
}

/** node:cluster without forks: `fork` adds a FakeWorker, events are emitted by the test. */
class FakeCluster extends EventEmitter implements PrimaryCluster {
  readonly #live = new Map<number, FakeWorker>();
  #nextId = 1;

  get workers(): Record<number, FakeWorker> {
    return Object.fromEntries(this.#live);
  }

  fork(): FakeWorker {
    const worker = new FakeWorker(this.#nextId++);
    this.#live.set(worker.id, worker);
    return worker;
  }

  exitWorker(worker: FakeWorker, code: number): void {
    this.#live.delete(worker.id);
    this.emit('exit', worker, code, '');
  }
}

function primaryFor(workers: number) {
  const cluster = new FakeCluster();
  const exits: number[] = [];
  const ready: number[] = [];
  const deadlines: Array<[number, () => void]> = [];
  const schedule: Schedule = (delayMs, task) => {
    deadlines.push([delayMs, task]);
    return () => undefined;
  };
  const primary = createClusterPrimary({
    cluster,
    workers,
    shutdownGraceMs: 5000,
    logger: pino({ level: 'silent' }),
    now: () => 0,
    onReady: (port) => ready.push(port),
    exit: (code) => exits.push(code),
    schedule,
  });
  primary.start();
  return { cluster, primary, exits, ready, deadlines };
}

test('announces once every worker listens, and replaces a worker that dies after listening', () => {
  const { cluster, ready } = primaryFor(2);
  const [one, two] = [cluster.workers[1]!, cluster.workers[2]!];
  cluster.emit('listening', one, { port: 8080 });
  assert.deepEqual(ready, []);
  cluster.emit('listening', two, { port: 8080 });
  cluster.emit('listening', two, { port: 8080 });
  assert.deepEqual(ready, [8080]);
  cluster.exitWorker(one, 1);
  assert.deepEqual(Object.keys(cluster.workers), ['2', '3']);
});

test('stops with exit code 1 when a worker never listened, and drains the others', () => {
  const { cluster, exits } = primaryFor(2);
  const [one, two] = [cluster.workers[1]!, cluster.workers[2]!];
  cluster.emit('listening', one, { port: 8080 });
  cluster.exitWorker(two, 1);
  assert.deepEqual(one.sent, [{ type: MSG.SHUTDOWN }]);
  assert.deepEqual(exits, []);
  cluster.exitWorker(one, 0);
  assert.deepEqual(exits, [1]);
  assert.deepEqual(Object.keys(cluster.workers), []);
});

test('on shutdown, signals a worker its channel refuses, and kills what is left at the deadline', () => {
  const { cluster, primary, exits, deadlines } = primaryFor(2);
  const [one, two] = [cluster.workers[1]!, cluster.workers[2]!];
  two.acceptsMessages = false;
  primary.shutdown('SIGTERM', 0);
  primary.shutdown('SIGINT', 0);
  assert.deepEqual(one.sent, [{ type: MSG.SHUTDOWN }]);
  assert.deepEqual(two.signals, ['kill SIGTERM']);
  assert.deepEqual(deadlines.map(([ms]) => ms), [7000]);
  deadlines[0]![1]();
  assert.deepEqual(one.signals, ['SIGKILL']);
  assert.deepEqual(two.signals, ['kill SIGTERM', 'SIGKILL']);
  assert.deepEqual(exits, [0]);
});

test('relays a key reload to every worker', () => {
  const { cluster, primary } = primaryFor(2);
  primary.reloadKeys();
  assert.deepEqual(cluster.workers[1]!.sent, [{ type: MSG.RELOAD_KEYS }]);
  assert.deepEqual(cluster.workers[2]!.sent, [{ type: MSG.RELOAD_KEYS }]);
});
