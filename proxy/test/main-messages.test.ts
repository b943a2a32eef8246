// Issue #23: what main.js prints for a person. The listening line names the URL to open (PUBLIC_URL
// under compose, where the host port differs from the bound one); a port in use names the port and
// the variable to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { within } from '../../contracts/testing/wait.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const WAIT_MS = 15_000;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', HTTP_PORT: '0', UPSTREAM_URL: 'http://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, exit, stderr: () => stderr };
}

async function listeningLine(env: Record<string, string>): Promise<{ port: number; url: string }> {
  const { child, exit } = run(env);
  const lines = createInterface({ input: child.stdout });
  const line = await within(
    new Promise<string>((resolve) => lines.on('line', (l: string) => l.includes('"msg":"listening"') && resolve(l))),
    WAIT_MS,
    'the listening line',
  );
  child.kill('SIGTERM');
  assert.deepEqual(await within(exit, WAIT_MS, 'exit after SIGTERM'), [0, null]);
  return JSON.parse(line) as { port: number; url: string };
}

test('the listening line names the bound address as a URL when PUBLIC_URL is unset', async () => {
  const { port, url } = await listeningLine({});
  assert.equal(url, `http://127.0.0.1:${port}`);
});

test('the listening line names PUBLIC_URL (the host port compose publishes) and keeps the bound port', async () => {
  const { port, url } = await listeningLine({ PUBLIC_URL: 'http://localhost:9090/' });
  assert.equal(url, 'http://localhost:9090');
  assert.notEqual(port, 9090);
});

test('a port in use exits 1 naming the port and HTTP_PORT, on stderr and in the JSON log', async () => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const { port } = blocker.address() as AddressInfo;
  try {
    const { child, exit, stderr } = run({ HTTP_PORT: String(port) });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    assert.deepEqual(await within(exit, WAIT_MS, 'exit'), [1, null]);
    const hint = `port ${port} is already in use on 127.0.0.1: set HTTP_PORT to a free port (e.g. HTTP_PORT=${port < 65_000 ? port + 10 : 9090})`;
    assert.match(stderr(), new RegExp(`^jwt-proxy: cannot listen: ${hint.replace(/[.()]/g, '\\$&')}`));
    assert.match(stdout, /"level":60/);
    assert.ok(stdout.includes(hint), stdout);
  } finally {
    blocker.close();
  }
});
