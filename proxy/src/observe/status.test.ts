import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusCounter, statusHtml, uptimeSeconds } from './status.js';

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

test('the HTML page holds the number in #requests-processed and escapes text', () => {
  const html = statusHtml({ startedAt: '<x>', uptimeSeconds: 3.2, requestsProcessed: 42, inFlight: 0 });
  assert.match(html, /<dd id="requests-processed">42<\/dd>/);
  assert.match(html, /&#60;x&#62;/);
  assert.doesNotMatch(html, /id="workers"/);
  const clustered = statusHtml({
    startedAt: 'now',
    uptimeSeconds: 1,
    requestsProcessed: 3,
    inFlight: 0,
    workers: [{ worker: 1, pid: 10, startedAt: 'now', uptimeSeconds: 1, requestsProcessed: 3, inFlight: 0 }],
  });
  assert.match(clustered, /<table id="workers">/);
  assert.match(clustered, /<td>1<\/td><td>10<\/td><td class="n">3<\/td>/);
});
