// Issue #21 item 10: the contract CLI against a mock that never answers, or one that
// streams a body forever, ends at its deadlines with a clear message and exit 1. Real
// servers on 127.0.0.1 port 0; the CLI is a child process bounded by a kill timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_CASE_TIMEOUT_S, DEFAULT_TIMEOUT_S, deadlineMessage, parseCliArgs } from '../cli/jwt-proxy-contract.js';
import { listen } from '../testing/listen.js';
import { rawExchange } from '../testing/raw-http.js';
import { runContractCli } from '../testing/run-cli.js';
import type { CliRun } from '../testing/run-cli.js';

/** Far above the --timeout the tests pass: only a CLI that ignores its deadline meets it. */
const KILL_AFTER_MS = 60_000;

function runCli(args: readonly string[]): Promise<CliRun> {
  return runContractCli(args, KILL_AFTER_MS);
}

/** A server whose every answer is `answer`; its sockets are destroyed on close, so nothing lingers. */
async function startServer(answer: (res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => answer(res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  await listen(server);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Writes 64 KiB pieces as fast as the client reads, until the client goes away. */
function streamForever(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(65_536, 0x20);
  const write = (): void => {
    while (!res.destroyed && res.write(piece));
    if (!res.destroyed) res.once('drain', write);
  };
  res.write('{"requests": [');
  write();
}

test('parseCliArgs: --timeout and --case-timeout in seconds with their defaults; the case deadline never passes the whole one', () => {
  const base = ['--only', 'consumer', '--mock', 'http://m:2'];
  assert.deepEqual(parseCliArgs(base), {
    sides: ['consumer'],
    env: { MOCK_URL: 'http://m:2' },
    timeoutMs: DEFAULT_TIMEOUT_S * 1000,
    caseTimeoutMs: DEFAULT_CASE_TIMEOUT_S * 1000,
  });
  assert.deepEqual([DEFAULT_TIMEOUT_S, DEFAULT_CASE_TIMEOUT_S], [60, 30]);
  const parsed = parseCliArgs([...base, '--timeout', '2.5', '--case-timeout', '10']);
  assert.ok(typeof parsed !== 'string');
  assert.deepEqual([parsed.timeoutMs, parsed.caseTimeoutMs], [2500, 2500]);
  for (const bad of ['0', 'soon', '1e3', '3601', '.5']) {
    assert.match(String(parseCliArgs([...base, '--timeout', bad])), /^--timeout must be seconds, more than 0 and at most 3600, e\.g\. --timeout 60, got /);
  }
  assert.match(String(parseCliArgs([...base, '--case-timeout', 'x'])), /^--case-timeout must be seconds/);
});

test('deadlineMessage names the deadline, the case it stopped in and how many finished', () => {
  assert.equal(
    deadlineMessage(3000, 2, 'consumer: a case'),
    'jwt-proxy-contract: gave up at the 3 s deadline (--timeout) while running "consumer: a case": the stack under test did not answer in time; 2 case(s) finished, the rest did not run',
  );
  assert.match(deadlineMessage(1500, 0, undefined), /^jwt-proxy-contract: gave up at the 1\.5 s deadline \(--timeout\): the stack/);
});

test('against a mock that never answers, the CLI stops at --timeout with the reason and exit 1', { timeout: 90_000 }, async (t) => {
  const silent = await startServer(() => undefined);
  t.after(() => silent.server.close());
  const run = await runCli(['--only', 'consumer', '--mock', silent.url, '--timeout', '3']);
  assert.equal(run.signal, null, 'the CLI ended on its own');
  assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /^jwt-proxy-contract: gave up at the 3 s deadline \(--timeout\) while running "consumer: [^"]+": the stack under test did not answer in time; \d+ case\(s\) finished, the rest did not run$/m);
  assert.match(run.stdout, /\n\d+ passed, \d+ failed, \d+ skipped\n$/, 'the cases done so far are printed');
});

test('against a mock that streams a body forever, a case fails at --case-timeout, then the run stops at --timeout, exit 1', { timeout: 90_000 }, async (t) => {
  const endless = await startServer(streamForever);
  t.after(() => endless.server.close());
  const run = await runCli(['--only', 'consumer', '--mock', endless.url, '--timeout', '5', '--case-timeout', '1']);
  assert.equal(run.signal, null, 'the CLI ended on its own');
  assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^FAIL {2}consumer {2}/m);
  assert.match(run.stdout, /^ {2}no result within the 1 s case deadline \(--case-timeout\): the stack under test did not answer in time$/m);
  assert.match(run.stderr, /gave up at the 5 s deadline \(--timeout\)/);
});

test('one raw exchange fails, rather than fills memory, when a response passes its byte cap', { timeout: 30_000 }, async (t) => {
  const endless = await startServer(streamForever);
  t.after(() => endless.server.close());
  const port = Number(new URL(endless.url).port);
  await assert.rejects(
    rawExchange('GET / HTTP/1.1\r\nHost: x\r\n\r\n', { port, maxBytes: 1_048_576, timeoutMs: 20_000 }),
    /^Error: the response passed 1048576 bytes without ending; a body that never ends is refused$/,
  );
});
