// RFC 9112 §9.3.2: a client may pipeline requests on one connection; the server answers them
// in the order received. Each is forwarded (and signed) on its own, nothing bleeds between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { parseResponse } from '../../../contracts/testing/raw-http.js';
import { within } from '../../../contracts/testing/wait.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRig } from '../support/rig.js';

test('forwards three pipelined requests and answers them in order on the same connection', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { proxy, upstream } = await startRig(t, {
    // Answer the first one last, so an out-of-order relay would show.
    handler: (req, res) => {
      req.resume();
      req.on('end', () => setImmediate(() => res.end(`answer ${req.url}`)));
    },
  });
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  socket.write(
    'POST /one HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\n111' +
      'GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' +
      'POST /three HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n3\r\n0\r\n\r\n',
  );
  const bodies = await within(
    new Promise<string[]>((resolve, reject) => {
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const found: string[] = [];
        let rest: Buffer = received;
        try {
          for (;;) {
            const step = parseResponse(rest, false);
            if (step === undefined) break;
            found.push(`${step.response.status} ${step.response.body.toString()}`);
            rest = step.rest;
          }
        } catch (error) {
          reject(error as Error);
        }
        if (found.length === 3) resolve(found);
      });
    }),
    5000,
    'three responses',
  );
  assert.deepEqual(bodies, ['200 answer /one', '200 answer /two', '200 answer /three']);
  assert.deepEqual(upstream.requests.map((seen) => `${seen.method} ${seen.url} ${seen.body.toString()}`), ['POST /one 111', 'GET /two ', 'POST /three 3']);
  const tokens = upstream.requests.map((seen) => seen.headers['x-my-jwt']);
  assert.equal(typeof tokens[0], 'string');
  assert.equal(tokens[1], undefined, 'GET is not signed by default');
  assert.notEqual(tokens[0], tokens[2], 'each signed request gets its own token');
});
