import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const MAIN = new URL('../src/main.js', import.meta.url).pathname;

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOST: '127.0.0.1', HTTP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>;
  return { child, exit, stderr: () => stderr };
}

describe('main', () => {
  it('logs one JSON "listening" line with the port, serves, and exits 0 on SIGTERM', async () => {
    const { child, exit } = run({});
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    const log = JSON.parse(first) as { msg: string; port: number };
    assert.equal(log.msg, 'listening');
    assert.ok(log.port > 0);
    const health = await fetch(`http://127.0.0.1:${log.port}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    child.kill('SIGTERM');
    assert.deepEqual(await exit, [0, null]);
  });

  it('names the inspector page at PUBLIC_URL (compose: the host port) in the listening line (issue #23)', async () => {
    const { child, exit } = run({ PUBLIC_URL: 'http://localhost:9091/' });
    const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    assert.equal((JSON.parse(first) as { page: string }).page, 'http://localhost:9091/__mock/');
    child.kill('SIGTERM');
    await exit;
  });

  it('exits 0 on SIGINT', async () => {
    const { child, exit } = run({});
    await once(createInterface({ input: child.stdout }), 'line');
    child.kill('SIGINT');
    assert.deepEqual(await exit, [0, null]);
  });

  it('prints every configuration problem to stderr and exits 1', async () => {
    const { exit, stderr } = run({ JWT_SECRET: 'too short', MOCK_MAX_AGE_S: 'soon' });
    assert.deepEqual(await exit, [1, null]);
    assert.match(stderr(), /JWT_SECRET: must give a key of at least 64 bytes/);
    assert.match(stderr(), /MOCK_MAX_AGE_S: must be an integer/);
    assert.doesNotMatch(stderr(), /too short/);
  });

  it('exits 1 when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const { exit, stderr } = run({ HTTP_PORT: String(port) });
      assert.deepEqual(await exit, [1, null]);
      assert.match(stderr(), new RegExp(`cannot listen: port ${port} is already in use on 127\\.0\\.0\\.1: set HTTP_PORT to a free port \\(MOCK_PORT under make run\\)`));
    } finally {
      blocker.close();
    }
  });

  it('exits 1 when the journal file cannot be opened', async () => {
    const { exit, stderr } = run({ MOCK_JOURNAL_FILE: '/proc/version/journal.jsonl' });
    assert.deepEqual(await exit, [1, null]);
    assert.match(stderr(), /cannot start/);
  });
});
