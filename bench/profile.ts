/**
 * CPU profile of a proxy under load (issue #7): starts the bench upstream and
 * the proxy with `node --cpu-prof`, drives it with wrk, stops it with
 * SIGTERM (V8 writes the profile on exit), then prints where the time went.
 *
 *   npm run build && node dist/bench/profile.js [--target ours|reference|obvious|fastify] [--method POST|GET]
 *       [--seconds 10] [--log-level warn] [--top 25] [--proxy path/to/main.js] [--node-flags '--flag=1']
 * Writes the .cpuprofile (open it in Chrome DevTools or speedscope for a flame
 * graph) and a Markdown summary under bench/results/raw/.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatSummary, summariseProfile, type CpuProfile } from './cpuprofile-summary.js';
import { runLoad } from './lib/load.js';
import { freePort, startService } from './lib/processes.js';
import { ensureWrk } from './lib/wrk.js';
import { BENCH_BODY } from './lib/body.js';
import { benchProxyEnv, readProxyLaunch, splitNodeFlags } from './lib/proxy-launch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'ours' },
    method: { type: 'string', default: 'POST' },
    seconds: { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'warn' },
    workers: { type: 'string', default: '1' },
    top: { type: 'string', default: '25' },
    /** Another build of the proxy (e.g. a copy of dist/ with an experiment). */
    proxy: { type: 'string' },
    /** Node flags instead of Dockerfile.proxy's, space-separated ('' = none): to measure a flag before adopting it. */
    'node-flags': { type: 'string' },
  },
});
const method = values.method === 'GET' ? 'GET' : 'POST';
/** The other builds the bench compares (bench/peers/, bench/reference-proxy.ts); anything else is jwt-proxy. */
const OTHERS: Readonly<Record<string, string>> = {
  reference: 'dist/bench/reference-proxy.js',
  obvious: 'dist/bench/peers/obvious.js',
  fastify: 'dist/bench/peers/fastify.js',
};
const main = OTHERS[values.target] ?? values.proxy ?? 'dist/proxy/src/main.js';
// Every Node row runs with the image's Node flags (issue #22), jwt-proxy with its NODE_ENV too (bench/lib/proxy-launch.ts).
const image = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
const launch = values['node-flags'] === undefined ? image : { ...image, nodeFlags: splitNodeFlags(values['node-flags']) };

ensureWrk((message) => console.error(message));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'jwt-proxy-profile-'));
// Also when a server fails to start (e.g. a config the proxy refuses): 'exit' runs after an uncaught error too.
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const profDir = path.join(tmp, 'prof');
mkdirSync(profDir);
const upstreamPort = await freePort();
const upstream = await startService({ name: 'upstream', command: process.execPath, args: [path.join(ROOT, 'dist/bench/upstream.js')], env: { HTTP_PORT: String(upstreamPort) }, cpus: '0', port: upstreamPort, logFile: path.join(tmp, 'upstream.log') });
const port = await freePort();
const proxy = await startService({
  name: 'proxy',
  command: process.execPath,
  args: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...launch.nodeFlags, path.resolve(ROOT, main)],
  env: { ...benchProxyEnv(launch), UPSTREAM_URL: upstream.url, HTTP_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: values['log-level'], WORKERS: values.workers },
  cpus: '1',
  port,
  logFile: path.join(tmp, 'proxy.log'),
});
let answered: number;
try {
  const load = (durationS: number) =>
    runLoad({ generator: 'wrk', url: `${proxy.url}/api/orders?profile=1`, method, ...(method === 'POST' ? { body: BENCH_BODY } : {}), connections: 64, durationS, cpus: '0' });
  // The profile covers the process's whole life: the warm-up's requests count in the per-request figures too.
  const warmup = await load(2);
  const result = await load(Number(values.seconds));
  answered = warmup.requests + result.requests;
  console.log(`${values.target} ${method}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99Ms} ms, errors ${result.errors + result.timeouts}, HTTP >= 400 ${result.badStatus}`);
} finally {
  await proxy.stop();
  await upstream.stop();
}
const file = readdirSync(profDir).find((name) => name.endsWith('.cpuprofile'));
if (file === undefined) throw new Error(`no .cpuprofile written in ${profDir} (did the proxy exit cleanly on SIGTERM?)`);
const summary = formatSummary(summariseProfile(JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile, Number(values.top)), answered);
const outDir = path.join(ROOT, 'bench/results/raw');
mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `profile-${values.target}-${method.toLowerCase()}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
writeFileSync(`${base}.cpuprofile`, readFileSync(path.join(profDir, file)));
writeFileSync(`${base}.md`, `${summary}\n`);
console.log(summary);
console.log(`\nwrote ${path.relative(ROOT, base)}.{cpuprofile,md}`);
