/**
 * Issue #21, item 3: `/__mock/requests/wait` and the HAR export stream with backpressure. Twelve
 * clients that never read, against a journal of 400 x 64 KB, used to cost +325 MB (wait) and
 * +36-74 MB (HAR): each answer was built whole. Here clients that never read hold the server to at
 * most about one entry of buffered bytes each, measured on the server's own responses.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { until } from '../../contracts/testing/wait.js';
import { startMock } from './helpers.js';
import type { Mock } from './helpers.js';

const ENTRIES = 400;
const BODY_BYTES = 65_536;
/** One entry's JSON (the body as text, plus headers and verdict) is a little over BODY_BYTES. */
const ONE_ENTRY = BODY_BYTES + 8_192;
/** What a stalled answer may hold in the server: the socket's high-water mark plus one entry. */
const BOUND = 16_384 + ONE_ENTRY;
const CLIENTS = 3;

interface Watched {
  res: ServerResponse;
  maxBuffered: number;
}

describe('large answers stream with backpressure (clients that never read)', () => {
  let mock: Mock;
  const watched = new Map<string, Watched[]>();

  before(async () => {
    mock = await startMock({ MOCK_JOURNAL_SIZE: String(ENTRIES), MOCK_BODY_LIMIT: String(BODY_BYTES) });
    const body = 'b'.repeat(BODY_BYTES);
    for (let i = 0; i < ENTRIES; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => fetch(`${mock.base}/big`, { method: 'POST', body }).then((r) => r.arrayBuffer())));
    }
    // Watch every answer the server writes: the largest number of bytes it held unsent at once.
    mock.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const route = (req.url ?? '').split('?')[0] ?? '';
      const entry: Watched = { res, maxBuffered: 0 };
      watched.set(route, [...(watched.get(route) ?? []), entry]);
      for (const method of ['write', 'end'] as const) {
        const original = res[method].bind(res) as (...args: unknown[]) => unknown;
        Object.assign(res, {
          [method]: (...args: unknown[]) => {
            const result = original(...args);
            entry.maxBuffered = Math.max(entry.maxBuffered, res.writableLength);
            return result;
          },
        });
      }
    });
  });
  after(() => mock.close());

  for (const target of ['/__mock/requests/wait?count=1', '/__mock/requests.har']) {
    it(`${target}: ${CLIENTS} clients that never read hold at most one entry each in the server, and a reader gets it all`, async () => {
      const route = target.split('?')[0] ?? '';
      const sockets: Socket[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        // Never reads: no 'data' listener, so the socket stays paused and the kernel buffers fill.
        const socket = connect(mock.port, '127.0.0.1');
        socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${mock.port}\r\n\r\n`);
        sockets.push(socket);
      }
      await until(() => (watched.get(route) ?? []).filter((w) => w.res.writableNeedDrain || w.res.writableEnded).length === CLIENTS, `${CLIENTS} answers to stall on backpressure (or be queued whole)`, { timeoutMs: 10_000 });
      // A few turns of the event loop: a writer that ignored backpressure would have queued everything by now.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      for (const { res, maxBuffered } of watched.get(route) ?? []) {
        assert.ok(maxBuffered <= BOUND, `held ${maxBuffered} bytes unsent, at most ${BOUND} expected (the whole answer is ~${ENTRIES * ONE_ENTRY})`);
        assert.equal(res.writableFinished, false, 'the answer is not all written: the client has not read it');
      }
      // The same answer, read: complete and whole.
      const read = await fetch(`${mock.base}${target}`);
      const json = (await read.json()) as { requests?: unknown[]; log?: { entries: unknown[] } };
      assert.equal((json.requests ?? json.log?.entries ?? []).length, ENTRIES);
      const closed = (watched.get(route) ?? []).slice(0, CLIENTS).map((w) => new Promise((resolve) => w.res.once('close', resolve)));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    });
  }
});
