import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { MSG, WorkerClient, relayKeyReload, workerStatus } from './cluster.js';
import type { ClusterMessage, WorkerHandle } from './cluster.js';

test('the primary relays a key reload to every connected worker, skipping gone ones', () => {
  const sent: Array<[number, ClusterMessage]> = [];
  const worker = (id: number, connected: boolean, accepts = true): WorkerHandle => ({
    id,
    isConnected: () => connected,
    send: (message) => {
      if (!accepts) throw new Error('channel closed');
      sent.push([id, message]);
      return true;
    },
  });
  assert.equal(relayKeyReload([worker(1, true), worker(2, false), worker(3, true), worker(4, true, false)]), 2);
  assert.deepEqual(sent, [[1, { type: MSG.RELOAD_KEYS }], [3, { type: MSG.RELOAD_KEYS }]]);
});

test('a worker client runs its reload listener on the primary relay, once per message', () => {
  const events = new EventEmitter();
  const client = new WorkerClient({ send: () => true, on: (e, l) => events.on(e, l) }, 20, () =>
    workerStatus(1, 1, { startedAt: 'x', uptimeSeconds: 0, requestsProcessed: 0, inFlight: 0 }),
  );
  let reloads = 0;
  client.onReloadKeys(() => (reloads += 1));
  events.emit('message', { type: MSG.RELOAD_KEYS });
  events.emit('message', { type: MSG.SHUTDOWN });
  events.emit('message', { type: MSG.RELOAD_KEYS });
  assert.equal(reloads, 2);
});
