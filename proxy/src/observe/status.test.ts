import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusCounter, uptimeSeconds } from './status.js';

test('counts each finished request once and tracks requests in flight', () => {
  let now = Date.UTC(2026, 0, 1);
  const status = new StatusCounter(() => now);
  status.started();
  status.started();
  assert.equal(status.inFlight, 2);
  assert.equal(status.requestsProcessed, 0);
  status.finished();
  now += 1500;
  assert.deepEqual(status.snapshot(), {
    startedAt: '2026-01-01T00:00:00.000Z',
    uptimeSeconds: 1.5,
    requestsProcessed: 1,
    inFlight: 1,
  });
});

test('uptime never goes negative when the clock steps back', () => {
  assert.equal(uptimeSeconds(1000, 500), 0);
  assert.equal(uptimeSeconds(1000, 3500), 2.5);
});

test('finished() feeds the traffic ring with the status and the upstream latency', () => {
  const now = Date.UTC(2026, 0, 1);
  const status = new StatusCounter(() => now);
  status.started();
  status.finished(201, 4);
  status.started();
  status.finished(); // defaults: the client went away, no upstream answer
  const series = status.traffic.series();
  assert.deepEqual(series.requests, [2]);
  assert.equal(series.statusMix['2xx'], 1);
  assert.equal(series.statusMix.aborted, 1);
  assert.equal(series.latency.samples, 1);
});
