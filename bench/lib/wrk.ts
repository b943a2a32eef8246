/**
 * wrk, the bench's load generator (issue 11): one thread (`-t1`) pinned to the load
 * core, with bench/lib/wrk.lua setting the method and the POST body and printing the
 * summary as one JSON line. wrk is a Debian package, not an npm one: when it is
 * missing the bench installs it with `apt-get install -y wrk` (as `.ci/run` does)
 * and says so.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { pinned, which } from './processes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The script is not compiled: it is read from the source tree. */
export const WRK_SCRIPT = path.join(ROOT, 'bench/lib/wrk.lua');
const RESULT_PREFIX = 'WRK_RESULT ';
const STOPPED_LINE = 'WRK_STOPPED';
/** A response slower than this counts as a timeout; long, so a contended machine shows latency, not errors. */
const WRK_TIMEOUT = '10s';

let wrkPath: string | undefined;

/** The path of wrk, installing it with apt-get first when it is missing. Throws when that fails. */
export function ensureWrk(log: (message: string) => void): string {
  wrkPath ??= which('wrk');
  if (wrkPath !== undefined) return wrkPath;
  const aptGet = which('apt-get');
  if (aptGet === undefined) throw new Error('wrk is not installed and there is no apt-get to install it: install the `wrk` package, then rerun.');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args: string[]) => {
    log(`bench: wrk not found; installing it: ${[...sudo, 'apt-get', ...args].join(' ')}`);
    const [command, ...rest] = [...sudo, aptGet, ...args];
    return spawnSync(command ?? aptGet, rest, { stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  };
  // A fresh image has empty package lists: update once when the first install fails.
  if (!apt(['install', '-y', 'wrk']) && apt(['update'])) apt(['install', '-y', 'wrk']);
  wrkPath = which('wrk');
  if (wrkPath === undefined) throw new Error('installing wrk with apt-get failed: install the `wrk` package, then rerun.');
  return wrkPath;
}

/** `wrk -v` prints its version and usage and exits 1. */
export function wrkVersion(): string | undefined {
  const file = wrkPath ?? which('wrk');
  if (file === undefined) return undefined;
  try {
    return execFileSync(file, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim();
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    return /^wrk \S+/.exec(stdout)?.[0];
  }
}

export function wrkArgs(spec: LoadSpec): string[] {
  // A counted run gets a duration it will not reach (it ends on WRK_STOPPED), bounded all the same.
  const seconds = spec.amount !== undefined ? Math.max(120, Math.ceil(spec.amount / 200)) : Math.max(1, Math.round(spec.durationS ?? 6));
  return [
    '-t1',
    `-c${spec.connections}`,
    `-d${seconds}s`,
    `--timeout`,
    WRK_TIMEOUT,
    '-s',
    WRK_SCRIPT,
    ...(spec.headers ?? []).flatMap((line) => ['-H', line]),
    spec.url,
    '--',
    spec.method,
    spec.body ?? '',
    String(spec.amount ?? 0),
  ];
}

interface WrkJson {
  readonly durationUs: number;
  readonly requests: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly status: number;
  readonly timeout: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
}

/** The WRK_RESULT line of wrk's output as a LoadResult; throws when there is none. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`wrk printed no ${RESULT_PREFIX.trim()} line:\n${stdout.trim()}`);
  const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as WrkJson;
  const durationS = r.durationUs / 1e6;
  return {
    generator: 'wrk',
    rps: durationS > 0 ? r.requests / durationS : 0,
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    p999Ms: r.p999Us / 1000,
    maxMs: r.maxUs / 1000,
    requests: r.requests,
    warmupRequests: 0,
    errors: r.connect + r.read + r.write,
    timeouts: r.timeout,
    badStatus: r.status,
    durationS,
  };
}

/** Runs one wrk process and returns its summary. */
/** How often a counted run's SIGINT is repeated until wrk exits. */
export const WRK_INTERRUPT_EVERY_MS = 100;

/**
 * Ends a counted run with SIGINT, repeated until wrk exits (issue #23: a 60 s test timeout under
 * load). wrk ignores SIGINT until its main thread has started every thread and installed its
 * handler; a tiny run can print WRK_STOPPED before that, and a single SIGINT is then lost, leaving
 * wrk asleep for the whole -d duration. Repeating is harmless: wrk's handler only sets a flag.
 */
export function endCountedRun(child: Pick<ChildProcess, 'kill' | 'once'>, everyMs = WRK_INTERRUPT_EVERY_MS): boolean {
  const sent = child.kill('SIGINT');
  const again = setInterval(() => child.kill('SIGINT'), everyMs);
  child.once('exit', () => clearInterval(again));
  return sent;
}

export function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const file = wrkPath ?? which('wrk');
  if (file === undefined) return Promise.reject(new Error('wrk not found: call ensureWrk() first'));
  const [command, args] = pinned(spec.cpus, file, wrkArgs(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // A counted run is done: wrk's main thread would sleep out -d, so end it (it still runs done()).
      if (!interrupted && stdout.includes(STOPPED_LINE)) interrupted = endCountedRun(child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(parseWrkOutput(stdout));
      } catch (error) {
        reject(new Error(`wrk exited ${code}: ${stderr.trim()}`, { cause: error }));
      }
    });
  });
}
