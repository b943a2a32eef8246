/**
 * autocannon as its own process (`--json`), pinned to the load core: the bench's
 * cross-check since issue 11 (wrk is the load generator). Kept because it is a pinned
 * dev dependency, the same on every machine, and because the two generators
 * disagreeing on a ratio says the generator, not the proxy, limits the run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { pinned } from './processes.js';

const require = createRequire(import.meta.url);
const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

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

function autocannonArgs(spec: LoadSpec): string[] {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(spec.connections), '-m', spec.method];
  if (spec.body !== undefined) args.push('-b', spec.body, '-H', 'content-type=application/json');
  // autocannon writes a header as name=value.
  for (const line of spec.headers ?? []) args.push('-H', line.replace(/:\s*/, '='));
  if (spec.warmupS !== undefined && spec.warmupS > 0) {
    args.push('-W', '[', '-c', String(spec.connections), '-d', String(Math.max(1, Math.round(spec.warmupS))), ']');
  }
  if (spec.amount !== undefined) args.push('-a', String(spec.amount));
  else args.push('-d', String(Math.max(1, Math.round(spec.durationS ?? 5))));
  args.push(spec.url);
  return args;
}

/** Runs one autocannon process and returns its summary. */
export function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const [command, fullArgs] = pinned(spec.cpus, process.execPath, autocannonArgs(spec));
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
        generator: 'autocannon',
        rps: result.duration > 0 ? result.requests.total / result.duration : 0,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        p999Ms: result.latency.p99_9,
        maxMs: result.latency.max,
        requests: result.requests.total,
        warmupRequests: result.warmup?.requests.total ?? 0,
        errors: result.errors,
        timeouts: result.timeouts,
        badStatus: result.non2xx,
        durationS: result.duration,
      });
    });
  });
}
