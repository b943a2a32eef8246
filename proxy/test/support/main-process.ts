/**
 * The proxy as a real process (dist/proxy/src/main.js on port 0 at 127.0.0.1), for suites that
 * test what only start.ts does: signals, the ready line, the environment.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createKeyFolder, jwkSetText, vectorJwk, type KeyFolder } from '../../../contracts/testing/key-fixtures.js';
import { waitFor } from '../../../contracts/testing/wait.js';
import { echoHandler, startUpstream } from './upstreams.js';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
/** A child process answers more slowly than an in-process proxy. */
export const MAIN_WAIT_MS = 15_000;

export type MainChild = ChildProcessByStdio<null, Readable, null>;

/** The shared bounded wait at a child process's budget. */
export function untilMain<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return waitFor(probe, what, { timeoutMs: MAIN_WAIT_MS, intervalMs: 20 });
}

/** The port of the `listening` line in `out`, if it came. */
export function listeningPort(out: string): string | undefined {
  return /"port":(\d+)[^\n]*"msg":"listening"/.exec(out)?.[1];
}

/** Starts main.js and resolves once it listens; fails at once if it exits first. */
export async function startMain(env: Record<string, string>): Promise<{ child: MainChild; port: number; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HTTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8');
  let out = '';
  child.stdout.on('data', (chunk: string) => (out += chunk));
  const port = await untilMain('the listening line', async () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`main.js ended: ${child.signalCode ?? child.exitCode}`);
    return listeningPort(out);
  });
  return { child, port: Number(port), output: () => out };
}

/** SIGTERM, and wait for the exit. */
export async function stopMain(child: MainChild): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * main.js signing with a JWT_KEYS_FILE that holds the vector key `kid`, in front of an echo
 * upstream; both stopped after the test. For the reload suites, which rewrite `path` in `folder`.
 */
export async function startMainWithKeyFile(
  t: TestContext,
  kid: Parameters<typeof vectorJwk>[0],
  env: Record<string, string> = {},
): Promise<{ child: MainChild; port: number; output: () => string; folder: KeyFolder; path: string }> {
  const upstream = await startUpstream(echoHandler);
  const folder = createKeyFolder();
  const path = folder.write('keys.json', jwkSetText([vectorJwk(kid)]));
  const main = await startMain({ UPSTREAM_URL: upstream.origin, JWT_KEYS_FILE: path, ...env });
  t.after(async () => {
    await stopMain(main.child);
    await upstream.close();
  });
  return { ...main, folder, path };
}
