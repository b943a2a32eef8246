// Issue #16: what the proxy says or refuses at start. The assignment's key is published (repo and
// images): signing with it logs a warning, and under NODE_ENV=production (the image's setting) the
// proxy exits 1 naming JWT_SECRET unless JWT_ALLOW_PUBLISHED_SECRET=true says this is a demo or
// test stack. PROXY_ALLOWED_HOSTS=* (an open signing relay) logs a warning too.
// Runs `node dist/proxy/src/main.js` as a child process, as `npm run start:proxy` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { within } from '../../../contracts/testing/wait.js';
import { TEST_TIMEOUT_MS } from '../support/proxy.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const OWN_SECRET = 'k'.repeat(64);

interface Started {
  /** `warn` records written before the ready line. */
  readonly warnings: readonly { code?: string; msg?: string }[];
  readonly exitCode: number | null;
  readonly stderr: string;
}

/** Starts the proxy with exactly `env` (nothing inherited but PATH), reads up to the ready line or exit, stops it. */
async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HTTP_PORT: '0', HOST: '127.0.0.1', UPSTREAM_URL: 'http://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', () => {
      if (stdout.includes('"msg":"listening"')) resolve();
    });
  });
  const outcome = await within(Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]), 8_000, 'the proxy to start or exit');
  if (outcome === 'ready') {
    child.kill('SIGTERM');
  }
  const [exitCode] = await within(exited, 8_000, 'the proxy to exit');
  const records = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level?: number; code?: string; msg?: string });
  return { warnings: records.filter((record) => record.level === 40), exitCode: outcome === 'ready' ? null : exitCode, stderr };
}

test('warns at start when it signs with the published key', { timeout: TEST_TIMEOUT_MS }, async () => {
  const started = await start({});
  assert.equal(started.exitCode, null, 'it starts');
  assert.deepEqual(started.warnings.map((warning) => warning.code), ['PUBLISHED_SECRET']);
  assert.match(started.warnings[0]?.msg ?? '', /published assignment key/);
});

test('refuses to start with the published key under NODE_ENV=production, naming JWT_SECRET', { timeout: TEST_TIMEOUT_MS }, async () => {
  const started = await start({ NODE_ENV: 'production' });
  assert.equal(started.exitCode, 1);
  assert.match(started.stderr, /JWT_SECRET: must be set to a key of your own under NODE_ENV=production.*\(example: JWT_SECRET=/);
});

test('starts under NODE_ENV=production with the published key given JWT_ALLOW_PUBLISHED_SECRET=true, still warning', { timeout: TEST_TIMEOUT_MS }, async () => {
  const started = await start({ NODE_ENV: 'production', JWT_ALLOW_PUBLISHED_SECRET: 'true' });
  assert.equal(started.exitCode, null, 'it starts');
  assert.deepEqual(started.warnings.map((warning) => warning.code), ['PUBLISHED_SECRET']);
});

test('starts under NODE_ENV=production with a key of its own and warns about nothing', { timeout: TEST_TIMEOUT_MS }, async () => {
  const started = await start({ NODE_ENV: 'production', JWT_SECRET: OWN_SECRET });
  assert.equal(started.exitCode, null, 'it starts');
  assert.deepEqual(started.warnings, []);
});

test('warns at start given PROXY_ALLOWED_HOSTS=*', { timeout: TEST_TIMEOUT_MS }, async () => {
  const started = await start({ JWT_SECRET: OWN_SECRET, PROXY_ALLOWED_HOSTS: '*' });
  assert.equal(started.exitCode, null, 'it starts');
  assert.deepEqual(started.warnings.map((warning) => warning.code), ['ANY_FORWARD_HOST']);
});
