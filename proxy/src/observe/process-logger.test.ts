import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen } from '../../../contracts/testing/listen.js';
import { until, within } from '../../../contracts/testing/wait.js';
import { createProcessLogger } from './process-logger.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.join(HERE, '..', 'main.js');
const SELF = path.join(HERE, 'process-logger.js');

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'process-logger-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'out.log');
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}

/** An ES module script run in a child node: the process logger on stdout, flushed on exit, then `body`. */
function loggerScript(body: string): string {
  return `
    const { createProcessLogger } = await import(${JSON.stringify(SELF)});
    const { logger, flushSync } = createProcessLogger({ level: 'info', pretty: false });
    process.on('exit', flushSync);
    ${body}`;
}

type Child = ReturnType<typeof spawn>;

/**
 * Spawns `node` with `args` and `stdio`; `exited` resolves with the exit code once its pipes are
 * closed, so what it wrote to a piped stream is all read by then (a pipe must be read or destroyed).
 */
function spawnNode(args: readonly string[], stdio: SpawnOptions['stdio'], env: NodeJS.ProcessEnv = process.env): { child: Child; exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, { stdio, env });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exited };
}

/** Runs `node` with stdout into `file`. */
function run(args: readonly string[], file: string, env: NodeJS.ProcessEnv = process.env): { child: Child; exited: Promise<number | null> } {
  const fd = openSync(file, 'w');
  try {
    return spawnNode(args, ['ignore', fd, 'ignore'], env);
  } finally {
    closeSync(fd);
  }
}

test('JSON lines are held in the buffer and all written by flushSync, in order', (t) => {
  const file = tempFile(t);
  const fd = openSync(file, 'w');
  t.after(() => closeSync(fd));
  const { logger, flushSync, close } = createProcessLogger({ level: 'info', pretty: false, fd });
  t.after(close);
  for (let i = 0; i < 10; i++) logger.info({ i }, 'line');
  logger.debug('below the level');
  flushSync();
  const written = lines(file).map((line) => JSON.parse(line) as { i: number; msg: string });
  assert.deepEqual(written.map((record) => record.i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(written[0]?.msg, 'line');
});

test('a crash exit (uncaught exception) loses no buffered line', { timeout: 20_000 }, async (t) => {
  const file = tempFile(t);
  const script = loggerScript(`
    for (let i = 0; i < 20000; i++) logger.info({ i }, 'request');
    setImmediate(() => { throw new Error('crash'); });`);
  const { exited } = run(['--input-type=module', '-e', script], file);
  assert.equal(await within(exited, 15_000, 'the crashing child to exit'), 1);
  const written = lines(file);
  assert.equal(written.length, 20000);
  assert.equal((JSON.parse(written.at(-1) as string) as { i: number }).i, 19999);
});

for (const how of ['a buffered line at exit', 'logger.flush() (the ready line)']) {
  test(`a stdout reader that is gone (EPIPE): ${how} neither hangs nor crashes the process`, { timeout: 20_000 }, async (t) => {
    const script = loggerScript(`
      process.stdin.once('data', () => {
        logger.info('a line nobody reads');
        ${how.startsWith('logger.flush') ? 'logger.flush();' : ''}
        process.stdin.destroy();
      });`);
    const { child, exited } = spawnNode(['--input-type=module', '-e', script], ['pipe', 'pipe', 'ignore']);
    t.after(() => child.kill('SIGKILL'));
    // The read end closes before the child writes anything: its first write meets EPIPE.
    child.stdout?.destroy();
    child.stdin?.end('go\n');
    assert.equal(await within(exited, 15_000, 'the child to exit'), 0);
  });
}

test('a log sink that fails (a full disk: ENOSPC) is said once on stderr; the process neither crashes nor hangs', { timeout: 20_000 }, async (t) => {
  const script = loggerScript(`
    for (let i = 0; i < 200; i++) logger.info({ i }, 'a line for a full disk');
    process.stderr.write('still serving\\n');`);
  const full = openSync('/dev/full', 'w');
  const { child, exited } = spawnNode(['--input-type=module', '-e', script], ['ignore', full, 'pipe']);
  closeSync(full);
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  assert.equal(await within(exited, 15_000, 'the child to exit'), 0);
  assert.equal(stderr.match(/cannot write log lines \(ENOSPC\)/g)?.length, 1, stderr);
  assert.match(stderr, /still serving/);
});

test('jwt-proxy at LOG_LEVEL=info writes every request line before it exits on SIGTERM', { timeout: 30_000 }, async (t) => {
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const upstreamPort = await listen(upstream);
  t.after(() => upstream.close());
  const file = tempFile(t);
  const env = { ...process.env, UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}`, HTTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', WORKERS: '1' };
  const { child, exited } = run([MAIN], file, env);
  t.after(() => child.kill('SIGKILL'));
  const ready = () => lines(file).map((line) => JSON.parse(line) as { msg?: string; port?: number }).find((record) => record.msg === 'listening');
  await until(() => ready() !== undefined, 'the ready line', { timeoutMs: 10_000 });
  const port = ready()?.port as number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const sent = 300;
  await Promise.all(
    Array.from({ length: sent }, (_, i) =>
      fetchOnce(port, agent, i % 2 === 0 ? 'POST' : 'GET', `/r/${i}`),
    ),
  );
  agent.destroy();
  child.kill('SIGTERM');
  assert.equal(await within(exited, 15_000, 'the proxy to exit'), 0);
  const requests = lines(file).filter((line) => line.includes('"msg":"request"'));
  assert.equal(requests.length, sent);
});

function fetchOnce(port: number, agent: http.Agent, method: string, urlPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

test('on a terminal the lines are pretty, not JSON, and written at once', (t) => {
  const file = tempFile(t);
  const fd = openSync(file, 'w');
  t.after(() => closeSync(fd));
  const { logger, flushSync, close } = createProcessLogger({ level: 'info', pretty: true, fd });
  logger.info({ status: 200 }, 'request');
  flushSync();
  close();
  const text = readFileSync(file, 'utf8');
  assert.match(text, /INFO/);
  assert.match(text, /request/);
  assert.match(text, /status/);
  assert.throws(() => JSON.parse(text.split('\n')[0] as string));
});
