// Issue #16 (Critical): the proxy never sends a body upstream without framing. Whatever the
// method, a request with a body reaches the upstream with Content-Length or chunked, exactly its
// bytes and nothing after them; a request without one carries no body bytes. A raw upstream reads
// each connection to its end, so any unframed byte would show up as a leftover (the second,
// smuggled request the issue describes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { rawExchange } from '../../../contracts/testing/raw-http.js';
import { until } from '../../../contracts/testing/wait.js';
import { startProxy, TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startRawUpstream } from '../support/upstreams.js';

const METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'TRACE'] as const;

interface Seen {
  readonly head: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Bytes after the first request's framing ended, until the proxy closed the connection. */
  readonly leftover: Buffer;
}

/** Parses one request from `data`: head, then the body by its framing; undefined while incomplete. */
function parseRequest(data: Buffer): { seen: Omit<Seen, 'leftover'>; end: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const head = data.subarray(0, headEnd).toString('latin1');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [headers.get(name), line.slice(colon + 1).trim()].filter((v) => v !== undefined).join(', '));
  }
  let offset = headEnd + 4;
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf('\r\n', offset);
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
      if (size === 0) {
        const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
        if (trailerEnd === -1 && data.subarray(lineEnd, lineEnd + 4).toString() !== '\r\n\r\n') return undefined;
        return { seen: { head, headers, body: Buffer.concat(chunks) }, end: (trailerEnd === -1 ? lineEnd : trailerEnd) + 4 };
      }
      if (data.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(headers.get('content-length') ?? '0');
  if (data.length < offset + length) return undefined;
  return { seen: { head, headers, body: data.subarray(offset, offset + length) }, end: offset + length };
}

async function rig(t: { after: (fn: () => Promise<void>) => void }) {
  const seen: Seen[] = [];
  const upstream = await startRawUpstream((socket: net.Socket) => {
    let data = Buffer.alloc(0);
    let parsed: ReturnType<typeof parseRequest>;
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (parsed === undefined) {
        parsed = parseRequest(data);
        // Connection: close, so the proxy never reuses this socket: every later byte is a leftover.
        if (parsed !== undefined) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      }
    });
    socket.on('close', () => {
      if (parsed !== undefined) seen.push({ ...parsed.seen, leftover: data.subarray(parsed.end) });
    });
  });
  const proxy = await startProxy({ UPSTREAM_URL: upstream.origin, PROXY_ALLOW_TRACE: 'true' });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { proxy, seen };
}

async function forward(port: number, method: string, framing: string, body: string, seen: Seen[]): Promise<Seen> {
  const before = seen.length;
  const exchange = await rawExchange(`${method} /framed HTTP/1.1\r\nHost: 127.0.0.1\r\n${framing}\r\n${body}`, { port, method });
  assert.equal(exchange.response?.status, 200, `${method}: answered`);
  await until(() => seen.length > before, `${method}: the upstream connection to close`, { timeoutMs: 2_000 });
  return seen[before] as Seen;
}

for (const method of METHODS) {
  test(`forwards a Content-Length body on ${method} with its length and nothing after it`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, seen } = await rig(t);
    const got = await forward(proxy.port, method, 'Content-Length: 11\r\n', 'hello world', seen);
    assert.equal(got.headers.get('content-length'), '11', got.head);
    assert.equal(got.headers.get('transfer-encoding'), undefined);
    assert.equal(got.body.toString(), 'hello world');
    assert.equal(got.leftover.toString('latin1'), '', 'no unframed bytes');
  });

  test(`forwards a chunked body on ${method} as chunked and nothing after it`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, seen } = await rig(t);
    const got = await forward(proxy.port, method, 'Transfer-Encoding: chunked\r\n', '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n', seen);
    assert.equal(got.headers.get('transfer-encoding'), 'chunked', got.head);
    assert.equal(got.headers.get('content-length'), undefined);
    assert.equal(got.body.toString(), 'hello world');
    assert.equal(got.leftover.toString('latin1'), '', 'no unframed bytes');
  });

  test(`forwards ${method} without a body with no body bytes`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { proxy, seen } = await rig(t);
    const got = await forward(proxy.port, method, '', '', seen);
    assert.equal(got.body.length, 0);
    assert.equal(got.leftover.toString('latin1'), '', 'no body bytes');
  });
}
