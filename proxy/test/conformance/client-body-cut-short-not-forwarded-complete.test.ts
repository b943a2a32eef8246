// RFC 9112 §6.3 / §8: a request body that ends before its framing says it is complete is an
// incomplete message; the proxy must never pass it on as a complete one (for chunked
// forwarding, that would mean writing the final 0-chunk for the client).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

const cases = [
  ['a Content-Length body', 'Content-Length: 100\r\n', 'a'.repeat(40)],
  ['a chunked body without its last chunk', 'Transfer-Encoding: chunked\r\n', `28\r\n${'a'.repeat(40)}\r\n`],
] as const;

for (const [label, framing, partial] of cases) {
  test(`never forwards ${label} cut short by the client as complete`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    // The upstream answers only once the body is complete, so the proxy has nothing to relay yet.
    const { proxy, upstream } = await startRig(t, {
      handler: (req, res) => req.on('end', () => res.end('complete')),
    });
    const client = net.connect(proxy.port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write(`POST /cut HTTP/1.1\r\nHost: 127.0.0.1\r\n${framing}\r\n${partial}`);
    const seen = await upstream.nthRequest(0);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (seen.body.length >= 40) resolve();
      };
      seen.req.on('data', check);
      check();
    });
    client.destroy();
    await upstream.settled(seen);
    assert.equal(seen.complete, false, 'the upstream must not see a complete request');
    assert.equal(seen.body.toString(), 'a'.repeat(40));
  });
}
