/**
 * The stack the suites run against (issue #4, "Running them"): the servers
 * named by PROXY_URL / PROXY_PUT_URL / MOCK_URL / MOCK_STRICT_URL, or, when
 * PROXY_URL and MOCK_URL are both unset, the built servers started here on
 * free ports at 127.0.0.1 and stopped afterwards. Shared with e2e.
 *
 * Readiness is the JSON log line `{"msg":"listening","port":N}` each server
 * prints on stdout (COMMON.md); no sleeps, no fixed ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { checkResponsesOf } from './contract-responses.js';

/** Repository root, from dist/contracts/suites/stack.js (or contracts/suites/stack.ts under a TS loader). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PROXY_MAIN = `${REPO_ROOT}dist/proxy/src/main.js`;
export const MOCK_MAIN = `${REPO_ROOT}dist/mock-upstream/src/main.js`;

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_TAIL_LINES = 60;

export interface RunningServer {
  readonly name: string;
  readonly url: URL;
  readonly child: ChildProcess;
  /** The last lines the server printed (stdout and stderr), for diagnostics. */
  logTail(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly name: string;
  readonly script: string;
  /** Variables on top of the inherited environment; HOST=127.0.0.1 and HTTP_PORT=0 are set unless given. */
  readonly env?: Readonly<Record<string, string>>;
}

const NOT_INHERITED = [
  'PROXY_URL', 'PROXY_PUT_URL', 'MOCK_URL', 'MOCK_STRICT_URL', 'MOCK_PROFILE_URL', 'MOCK_URL_FROM_PROXY',
  'UPSTREAM_URL', 'JWT_METHODS', 'MOCK_REQUIRE_TOKEN', 'MOCK_JOURNAL_FILE', 'PROXY_ALLOWED_HOSTS', 'WORKERS',
];

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed or interrupted suite must not leave servers behind.
  const killAll = (): void => {
    for (const child of running) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Starts a built server on a free port and resolves once it printed its listening line. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!existsSync(options.script)) {
    return Promise.reject(new Error(`${options.script} does not exist: build first (npm run build)`));
  }
  installExitHook();
  // The suite's own addresses and per-server switches must not leak from the
  // caller's environment into a server; the shared token settings (JWT_SECRET,
  // JWT_SECRET_ENCODING, JWT_HEADER, JWT_USER) do pass, so suite and servers agree.
  const inherited = Object.entries(process.env).filter(([name]) => !NOT_INHERITED.includes(name));
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), HOST: '127.0.0.1', HTTP_PORT: '0', ...options.env };
  const child = spawn(process.execPath, [options.script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const tail: string[] = [];
  const remember = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  const logTail = (): string => tail.map((line) => `  [${options.name}] ${line}`).join('\n');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child), () => undefined);

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<RunningServer>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${options.name} (${options.script}) ${reason}\n${logTail()}`)));
    };
    const timer = setTimeout(() => fail(`printed no {"msg":"listening","port":N} line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    // Keep draining both pipes for the whole run: a full pipe would block the server.
    createInterface({ input: child.stderr! }).on('line', remember);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      if (settled) return;
      const port = listeningPort(line);
      if (port === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name: options.name, url: new URL(`http://127.0.0.1:${port}`), child, logTail, stop });
    });
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) before listening`));
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  });
}

/** The port of a `{"msg":"listening","port":N}` log line, else undefined. */
export function listeningPort(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return parsed.msg === 'listening' && typeof parsed.port === 'number' && parsed.port > 0 ? parsed.port : undefined;
  } catch {
    return undefined;
  }
}

export interface StackNeeds {
  /** The proxy (PROXY_URL), with JWT_METHODS left at its default. */
  readonly proxy?: boolean;
  /** A second proxy with JWT_METHODS=POST,PUT (PROXY_PUT_URL). */
  readonly putProxy?: boolean;
  /** A mock with MOCK_REQUIRE_TOKEN=true (MOCK_STRICT_URL). */
  readonly strictMock?: boolean;
  /** A mock with a verifier profile, started with these variables (MOCK_PROFILE_URL; issue 14's profile vectors). */
  readonly profileMock?: Readonly<Record<string, string>>;
}

export interface Stack {
  readonly mode: 'native' | 'external';
  readonly mockUrl: URL;
  /** The mock as the proxy reaches it, the target of forward-mode requests (MOCK_URL_FROM_PROXY, default MOCK_URL). */
  readonly mockUrlFromProxy: URL;
  readonly proxyUrl?: URL;
  readonly proxyPutUrl?: URL;
  readonly mockStrictUrl?: URL;
  readonly mockProfileUrl?: URL;
  /** Log tails of the servers this stack started (empty in external mode). */
  logTails(): string;
  stop(): Promise<void>;
}

function urlFrom(env: NodeJS.ProcessEnv, name: string): URL | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  try {
    return new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute http URL, e.g. ${name}=http://127.0.0.1:8080, got "${value}"`);
  }
}

/**
 * External mode when PROXY_URL or MOCK_URL is set: those servers are used as
 * they are (optional ones missing → undefined, the cases that need them skip).
 * Native mode otherwise: starts the mock and whatever `needs` asks for.
 */
export async function startStack(needs: StackNeeds, env: NodeJS.ProcessEnv = process.env): Promise<Stack> {
  return checkResponsesOf(await openStack(needs, env));
}

async function openStack(needs: StackNeeds, env: NodeJS.ProcessEnv): Promise<Stack> {
  const proxyUrl = urlFrom(env, 'PROXY_URL');
  const mockUrl = urlFrom(env, 'MOCK_URL');
  if (proxyUrl !== undefined || mockUrl !== undefined) {
    if (mockUrl === undefined) throw new Error('PROXY_URL is set but MOCK_URL is not: set both, or neither to start the servers natively');
    if (needs.proxy && proxyUrl === undefined) throw new Error('MOCK_URL is set but PROXY_URL is not: set both, or neither to start the servers natively');
    return {
      mode: 'external',
      mockUrl,
      mockUrlFromProxy: urlFrom(env, 'MOCK_URL_FROM_PROXY') ?? mockUrl,
      proxyUrl,
      proxyPutUrl: urlFrom(env, 'PROXY_PUT_URL'),
      mockStrictUrl: urlFrom(env, 'MOCK_STRICT_URL'),
      mockProfileUrl: urlFrom(env, 'MOCK_PROFILE_URL'),
      logTails: () => '',
      stop: async () => undefined,
    };
  }

  const servers: RunningServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  // Start in two waves (the proxies need the mock's port); keep every server
  // that started, so a failure elsewhere still stops it.
  const wave = async (starts: (Promise<RunningServer> | undefined)[]): Promise<(RunningServer | undefined)[]> => {
    const settled = await Promise.allSettled(starts.map((start) => start ?? Promise.resolve(undefined)));
    for (const outcome of settled) if (outcome.status === 'fulfilled' && outcome.value !== undefined) servers.push(outcome.value);
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined));
  };
  try {
    const [mock, strict, profile] = await wave([
      startServer({ name: 'mock', script: MOCK_MAIN }),
      needs.strictMock ? startServer({ name: 'mock-strict', script: MOCK_MAIN, env: { MOCK_REQUIRE_TOKEN: 'true' } }) : undefined,
      needs.profileMock ? startServer({ name: 'mock-profile', script: MOCK_MAIN, env: needs.profileMock }) : undefined,
    ]);
    const upstream = { UPSTREAM_URL: mock!.url.origin, SHUTDOWN_GRACE_MS: '1000' };
    const [proxy, put] = await wave([
      needs.proxy ? startServer({ name: 'proxy', script: PROXY_MAIN, env: upstream }) : undefined,
      needs.putProxy ? startServer({ name: 'proxy-put', script: PROXY_MAIN, env: { ...upstream, JWT_METHODS: 'POST,PUT' } }) : undefined,
    ]);
    return {
      mode: 'native',
      mockUrl: mock!.url,
      mockUrlFromProxy: mock!.url,
      proxyUrl: proxy?.url,
      proxyPutUrl: put?.url,
      mockStrictUrl: strict?.url,
      mockProfileUrl: profile?.url,
      logTails: () => servers.map((server) => server.logTail()).join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
