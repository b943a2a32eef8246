/**
 * The load generator: autocannon as its own process (`--json`), pinned to the
 * load core, so its event loop never competes with the server under test on
 * the same thread. wrk would be cheaper per request, but autocannon is a pinned
 * dev dependency and therefore the same on every machine that runs the bench.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pinned } from './processes.js';

const require = createRequire(import.meta.url);
const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly connections: number;
  /** Run for this many seconds (whole seconds, autocannon's resolution)... */
  readonly durationS?: number;
  /** ...or until this many requests were answered. */
  readonly amount?: number;
  /**
   * autocannon's own warm-up (`-W`), in the same process just before sampling:
   * a fresh autocannon is itself JIT-cold and otherwise under-reports the first seconds.
   */
  readonly warmupS?: number;
  readonly cpus: string | undefined;
}

export interface LoadResult {
  /** Answered requests per second over the whole run (total / elapsed). */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  /** Requests answered during autocannon's own warm-up (they cost the server CPU too). */
  readonly warmupRequests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly durationS: number;
}

interface AutocannonJson {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly requests: { readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly p99_9: number; readonly max: number };
  readonly warmup?: { readonly requests: { readonly total: number } };
}

export function autocannonVersion(): string {
  return (require('autocannon/package.json') as { version: string }).version;
}

/** Runs one autocannon process and returns its summary. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(spec.connections), '-m', spec.method];
  if (spec.body !== undefined) args.push('-b', spec.body, '-H', 'content-type=application/json');
  if (spec.warmupS !== undefined && spec.warmupS > 0) {
    args.push('-W', '[', '-c', String(spec.connections), '-d', String(Math.max(1, Math.round(spec.warmupS))), ']');
  }
  if (spec.amount !== undefined) args.push('-a', String(spec.amount));
  else args.push('-d', String(Math.max(1, Math.round(spec.durationS ?? 5))));
  args.push(spec.url);
  const [command, fullArgs] = pinned(spec.cpus, process.execPath, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`autocannon exited ${code}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      const result = JSON.parse(line) as AutocannonJson;
      resolve({
        rps: result.duration > 0 ? result.requests.total / result.duration : 0,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        p999Ms: result.latency.p99_9,
        maxMs: result.latency.max,
        requests: result.requests.total,
        warmupRequests: result.warmup?.requests.total ?? 0,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        durationS: result.duration,
      });
    });
  });
}
