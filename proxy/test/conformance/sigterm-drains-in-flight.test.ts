// Issue #2/#6: on SIGTERM the built proxy stops accepting connections, lets the requests in
// flight finish (bounded by SHUTDOWN_GRACE_MS) and exits 0. Runs `node dist/proxy/src/main.js`
// as a child process, as `npm run start:proxy` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { until, within } from '../../../contracts/testing/wait.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';
import { startUpstream } from '../support/upstreams.js';

const PROCESS_START_MS = 20_000;
/** A test that starts a process gets that start on top of its usual budget. */
const PROCESS_TEST_TIMEOUT_MS = TEST_TIMEOUT_MS + PROCESS_START_MS;

// dist/proxy/test/conformance/x.js -> dist/proxy/src/main.js
const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

function connectOutcome(port: number): Promise<'refused' | 'accepted'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', () => resolve('refused'));
  });
}

interface ChildProxy {
  readonly port: number;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  readonly stderr: () => string;
  readonly hasExited: () => boolean;
  readonly kill: (signal: NodeJS.Signals) => void;
}

async function spawnProxy(t: { after: (fn: () => void) => void }, upstreamOrigin: string, workers = 1): Promise<ChildProxy> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HTTP_PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: upstreamOrigin, SHUTDOWN_GRACE_MS: '5000', WORKERS: String(workers) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        for (const line of stdout.split('\n')) {
          if (!line.includes('"listening"')) continue;
          const record = JSON.parse(line) as { msg?: string; port?: number };
          if (record.msg === 'listening' && typeof record.port === 'number') resolve(record.port);
        }
      });
      child.on('exit', (code) => reject(new Error(`proxy exited with ${code} before listening: ${stderr}`)));
    }),
    // Generous: starting node (and, given WORKERS=2, forking two workers) on a shared
    // 2-core machine under a parallel test run can take seconds.
    PROCESS_START_MS,
    'the proxy to log "listening"',
  );
  return { port, exited, stderr: () => stderr, hasExited: () => hasExited, kill: (signal) => child.kill(signal) };
}

for (const workers of [1, 2]) {
  test(`drains in-flight requests, refuses new connections and exits 0 on SIGTERM, given WORKERS=${workers}`, { timeout: PROCESS_TEST_TIMEOUT_MS }, async (t) => {
    let release: (() => void) | undefined;
    const upstream = await startUpstream((req, res) => {
      req.resume();
      release = () => res.end('slow but complete');
    });
    t.after(() => upstream.close());
    const child = await spawnProxy(t, upstream.origin, workers);
    const port = child.port;

    const inFlight = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/slow', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end('payload');
    });
    await upstream.nthRequest(0);

    child.kill('SIGTERM');
    await until(async () => (await connectOutcome(port)) === 'refused', 'new connections to be refused', { timeoutMs: 3000 });
    assert.equal(child.hasExited(), false, 'still running while a request is in flight');

    release!();
    const response = await within(inFlight, 3000, 'the in-flight response');
    // The connection closes after this response: the proxy is going away (RFC 9112 §9.6).
    assert.deepEqual(response, { status: 200, body: 'slow but complete', connection: 'close' });
    const [code, signal] = await within(child.exited, 5000, 'the proxy to exit');
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, child.stderr());
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`exits 0 promptly on ${signal} given only an idle kept-alive client connection`, { timeout: PROCESS_TEST_TIMEOUT_MS }, async (t) => {
    const upstream = await startUpstream();
    t.after(() => upstream.close());
    const child = await spawnProxy(t, upstream.origin);
    const idle = net.connect(child.port, '127.0.0.1');
    idle.on('error', () => undefined);
    t.after(() => idle.destroy());
    idle.write(`GET /idle HTTP/1.1\r\nHost: 127.0.0.1:${child.port}\r\n\r\n`);
    await within(once(idle, 'data'), 5000, 'the first response');
    const started = Date.now();
    child.kill(signal);
    const [code, exitSignal] = await within(child.exited, 4000, 'the proxy to exit well before SHUTDOWN_GRACE_MS (5 s)');
    assert.deepEqual({ code, signal: exitSignal }, { code: 0, signal: null }, child.stderr());
    assert.ok(Date.now() - started < 4000);
  });
}
