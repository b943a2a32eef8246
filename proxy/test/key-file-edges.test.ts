// Issue #21 item 9, on the built main.js: a SIGHUP as soon as the proxy starts
// never ends it (the handler is installed before listening); a FIFO in place of
// JWT_KEYS_FILE fails the reload with a logged reason while /healthz answers;
// a FIFO, a directory or an oversized file at start is a config error, not a hang.
// Waits are the shared bounded poll; nothing sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { MAX_KEY_FILE_BYTES } from '../../contracts/src/jwk-set-file.js';
import { createKeyFolder, jwkSetText, vectorJwk } from '../../contracts/testing/key-fixtures.js';
import { waitFor } from '../../contracts/testing/wait.js';
import { request } from './support/client.js';
import { echoHandler, startUpstream } from './support/upstreams.js';
import { MAIN, MAIN_WAIT_MS, startMainWithKeyFile, stopMain, untilMain } from './support/main-process.js';

/** The issue saw 3 deaths in 6 starts; 4 starts here, each hit by a burst of signals before it listens. */
const STARTS = 4;
const SIGNALS_PER_START = 5;

/** Whether the process has a SIGHUP handler: bit 0 of SigCgt in /proc/PID/status (proc(5)). */
function catchesSighup(pid: number): boolean {
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';
  return (BigInt(`0x${mask}`) & 1n) === 1n;
}

/** How many TCP sockets in LISTEN state (st 0A in /proc/net/tcp*) the process holds. */
function listeningSockets(pid: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (socket !== undefined) inodes.add(socket);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1));
  return rows.map((row) => row.trim().split(/\s+/)).filter((cols) => cols[3] === '0A' && inodes.has(cols[9] ?? '')).length;
}

test('SIGHUPs sent as soon as the proxy has a handler, before it listens, never end it: it starts, serves and reloads', { timeout: 120_000 }, async (t) => {
  const upstream = await startUpstream(echoHandler);
  t.after(() => upstream.close());
  const folder = createKeyFolder();
  const path = folder.write('keys.json', jwkSetText([vectorJwk('vector-es256')]));
  for (let start = 0; start < STARTS; start += 1) {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, HTTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', UPSTREAM_URL: upstream.origin, JWT_KEYS_FILE: path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    try {
      const pid = child.pid ?? 0;
      // Polled every millisecond: the old order (handler after the ready line) showed a listening socket here, always.
      const sockets = await waitFor(() => (catchesSighup(pid) ? listeningSockets(pid) : undefined), 'a SIGHUP handler', { timeoutMs: MAIN_WAIT_MS, intervalMs: 1 });
      for (let i = 0; i < SIGNALS_PER_START; i += 1) child.kill('SIGHUP');
      assert.equal(sockets, 0, `start ${start}: the SIGHUP handler came only after the proxy listened`);
      const port = await untilMain('the listening line', async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`start ${start}: main.js ended: ${child.signalCode ?? child.exitCode}`);
        return /"port":(\d+)[^\n]*"msg":"listening"/.exec(out)?.[1];
      });
      await untilMain('a reload logged after the signals', async () => (out.includes('"msg":"keys reloaded"') ? true : undefined));
      assert.equal((await request(Number(port), { path: '/healthz' })).status, 200);
      assert.deepEqual([child.signalCode, child.exitCode], [null, null]);
    } finally {
      await stopMain(child);
    }
  }
});

test('a FIFO in place of the key file: the reload fails at once with the reason, /healthz keeps answering, the old key signs', { timeout: 60_000 }, async (t) => {
  const { child, port, output, path } = await startMainWithKeyFile(t, 'vector-hs512');
  rmSync(path);
  execFileSync('mkfifo', [path]);
  for (let i = 0; i < 6; i += 1) child.kill('SIGHUP'); // more than libuv's four pool threads
  const failures = await untilMain('the failed-reload log lines', async () => {
    const lines = output().split('\n').filter((line) => line.includes('"msg":"key reload failed, keeping the old keys"'));
    return lines.length > 0 ? lines : undefined;
  });
  assert.match(failures[0]!, /keys\.json is a FIFO; a key file must be a regular file/);
  for (let i = 0; i < 3; i += 1) assert.equal((await request(port, { path: '/healthz', timeoutMs: 2_000 })).status, 200);
  const signed = await request(port, { method: 'POST', path: '/still-signed', body: 'x', timeoutMs: 2_000 });
  assert.equal(signed.status, 200);
  assert.equal(child.exitCode, null);
});

test('a FIFO, a directory or a file over the cap as JWT_KEYS_FILE at start: exit 1 with the reason, no hang', { timeout: 60_000 }, () => {
  const folder = createKeyFolder();
  const fifo = `${folder.dir}/fifo.json`;
  execFileSync('mkfifo', [fifo]);
  const big = folder.write('big.json', `${jwkSetText([vectorJwk('vector-es256')]).slice(0, -2)}${' '.repeat(MAX_KEY_FILE_BYTES)}}\n`);
  for (const [path, reason] of [
    [fifo, /JWT_KEYS_FILE: must be a readable JWK Set file whose first key can sign: .*fifo\.json is a FIFO; a key file must be a regular file/],
    [folder.dir, /JWT_KEYS_FILE: .* is a directory; a key file must be a regular file/],
    [big, new RegExp(`JWT_KEYS_FILE: .*big\\.json is larger than the ${MAX_KEY_FILE_BYTES}-byte cap for a key file`)],
  ] as const) {
    const run = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, HTTP_PORT: '0', HOST: '127.0.0.1', JWT_KEYS_FILE: path },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.signal, null, `${path}: the proxy hung and was killed by the test's timeout`);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, reason);
  }
});
