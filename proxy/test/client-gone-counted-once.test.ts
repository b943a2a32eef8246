// Issue #21 item 7: a request whose client goes away is counted once, wherever it was: /status's
// requestsProcessed +1 and inFlight back to 0, and jwt_proxy_requests_total{status="0"} when it
// left before a response head was written, never also under another status. Once the head went
// out, the request stays counted under that status (the one the client was sent; the log line's
// code says CLIENT_ABORTED): counting it again as 0 would count it twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { until, within } from '../../contracts/testing/wait.js';
import { request } from './support/client.js';
import { awaitLogged, TEST_TIMEOUT_MS } from './support/proxy.js';
import { startRig } from './support/rig.js';
import type { UpstreamHandler } from './support/upstreams.js';

type Case = readonly [when: string, head: string, handler: UpstreamHandler, beforeLeaving: (client: net.Socket) => Promise<unknown>, status: number];

const CASES: readonly Case[] = [
  ['while uploading', 'POST /gone HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\npartial', () => undefined, async () => undefined, 0],
  ['while waiting for the response', 'POST /gone HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi', (req) => req.resume(), async () => undefined, 0],
  [
    'while downloading',
    'POST /gone HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi',
    (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('x'.repeat(1000));
    },
    (client) => within(once(client, 'data'), 5_000, 'the first bytes of the response'),
    200,
  ],
];

for (const [when, head, handler, beforeLeaving, counted] of CASES) {
  test(`counts a request whose client goes away ${when} once, as status ${counted}, with nothing left in flight`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, upstream } = await startRig(t, { handler });
    const { status } = proxy.app;
    const client = net.connect(proxy.port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write(head);
    const seen = await upstream.nthRequest(0);
    assert.equal(status.inFlight, 1);
    await beforeLeaving(client);
    client.destroy();
    await until(() => status.inFlight === 0, 'the request to leave the in-flight count');
    await awaitLogged(proxy, 'CLIENT_ABORTED');
    // The upstream side settles after the count: nothing it does may count the request again.
    await upstream.settled(seen);
    if (!seen.res.closed) await within(once(seen.res, 'close'), 2_000, 'the upstream response to be torn down');
    assert.equal(status.requestsProcessed, 1);
    assert.equal(status.inFlight, 0);
    const metrics = (await request(proxy.port, { path: '/metrics' })).text;
    const totals = metrics.split('\n').filter((line) => line.startsWith('jwt_proxy_requests_total{'));
    assert.deepEqual(totals, [`jwt_proxy_requests_total{method="POST",status="${counted}"} 1`]);
    assert.equal(logsOf(proxy.logRecords()).length, 1, 'one log line for the request');
  });
}

function logsOf(records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return records.filter((record) => record.url === '/gone');
}
