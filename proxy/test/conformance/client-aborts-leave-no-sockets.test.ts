// Issue #6: a thousand clients that vanish mid-upload or mid-download leave nothing behind:
// no client sockets on the proxy, no request still running upstream, no upstream connection
// held open, and no memory that a full GC cannot give back (roughly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { until, within } from '../../../contracts/testing/wait.js';
import { startRig } from '../support/rig.js';
import type { RecordedRequest } from '../support/upstreams.js';

const ABORTS = 1000;
const CONCURRENCY = 25;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

test(`leaves no sockets, upstream requests or memory behind after ${ABORTS} client aborts mid-upload and mid-download`, { timeout: 90_000 }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    // Silent: the captured log lines would otherwise grow the heap this test measures.
    env: { LOG_LEVEL: 'silent' },
    handler: (req, res) => {
      if (req.url?.startsWith('/download/') === true) {
        req.resume();
        res.writeHead(200, { 'content-length': '1000000' });
        res.write('x'.repeat(4096));
      }
      // Uploads: never answer; the client goes away first.
    },
  });
  const waiting = new Map<string, (record: RecordedRequest) => void>();
  // Count instead of keeping every record, so the heap check measures the proxy, not this test.
  let received = 0;
  let inFlight = 0;
  let completeUploads = 0;
  upstream.events.on('request', (record: RecordedRequest) => {
    upstream.requests.length = 0;
    received += 1;
    inFlight += 1;
    record.res.on('close', () => {
      inFlight -= 1;
      if (record.url.startsWith('/upload/') && record.req.complete) completeUploads += 1;
    });
    waiting.get(record.url)?.(record);
  });
  const arrived = (url: string): Promise<RecordedRequest> =>
    within(new Promise<RecordedRequest>((resolve) => waiting.set(url, resolve)), 5000, `${url} upstream`);

  async function abortOne(n: number): Promise<void> {
    const upload = n % 2 === 0;
    const url = upload ? `/upload/${n}` : `/download/${n}`;
    const seen = arrived(url);
    const client = net.connect(proxy.port, '127.0.0.1');
    client.on('error', () => undefined);
    if (upload) {
      client.write(`POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n${'u'.repeat(2048)}`);
      await seen;
    } else {
      client.write(`GET ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await within(once(client, 'data'), 5000, `${url} first bytes`);
    }
    waiting.delete(url);
    client.destroy();
  }

  // Warm up (JIT, pools) before the memory baseline.
  for (let n = 0; n < 50; n += 1) await abortOne(ABORTS + n);
  await until(async () => (await proxy.connections()) === 0 && upstream.openSockets() === 0, 'warm-up connections to close', { timeoutMs: 5000 });
  const baseline = heapAfterGc();
  const socketHandles = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
  const baselineHandles = socketHandles();

  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ABORTS) {
        const n = next;
        next += 1;
        await abortOne(n);
      }
    }),
  );

  await until(async () => (await proxy.connections()) === 0, 'the proxy to close every client socket', { timeoutMs: 5000 });
  await until(() => upstream.openSockets() === 0, 'every upstream connection to close', { timeoutMs: 5000 });
  await until(() => inFlight === 0, 'every upstream request to be torn down', { timeoutMs: 5000 });
  await until(() => socketHandles() <= baselineHandles, `TCP socket handles back to ${baselineHandles}`, { timeoutMs: 5000 });
  assert.equal(completeUploads, 0, 'no aborted upload arrived complete');
  assert.equal(received, ABORTS + 50);
  const grownMb = (heapAfterGc() - baseline) / 1024 / 1024;
  assert.ok(grownMb < 8, `heap grew ${grownMb.toFixed(1)} MB after ${ABORTS} aborts`);
  t.diagnostic(`${ABORTS} aborts in ${Date.now() - started} ms; heap +${grownMb.toFixed(1)} MB`);
});
