/**
 * Builds side by side in many short paired rounds: the harness behind docs/performance.md
 * "The old core against the new in 30 paired rounds". `npm run bench` runs each configuration
 * in 5 rounds of 6 s; on a machine whose speed drifts by 2x within a minute that cannot tell
 * two builds 5% apart. Here every build and the reference start at once, all pinned to core 1
 * (idle but the one being driven), and each round drives each of them for a few seconds with
 * wrk from core 0, so the rounds are short and many and no process restarts between them.
 *
 *   npm run build && node dist/bench/ab.js [--method GET|POST] [--rounds 30] [--seconds 2] [--log-level warn|info]
 *       [--header 'name: value' ...]
 *       dist/proxy/src/main.js  /tmp/old/dist/proxy/src/main.js  'dist/proxy/src/main.js|--max-semi-space-size=16'
 *
 * A build is a main.js, optionally followed by `|` and its node flags (default: Dockerfile.proxy's),
 * optionally preceded by its own `NAME=value` environment, as in a shell: the cost of PROXY_AUTH
 * (issue #24) is `--header 'authorization: Basic …'` with the builds `dist/proxy/src/main.js` and
 * `'PROXY_AUTH=basic PROXY_USERS_FILE=users dist/proxy/src/main.js'` (docs/performance.md);
 * a peer (dist/bench/peers/obvious.js, fastify.js) is a build too, so a change is measured beside it.
 * Prints, per build, the median over rounds of its req/s over the reference's in the same round, its
 * CPU µs per request and its peak RSS over the whole run (every build sees the same rounds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_BODY } from './lib/body.js';
import { runLoad } from './lib/load.js';
import { summarisePairedRounds } from './lib/paired-rounds.js';
import { freePort, sample, startService } from './lib/processes.js';
import { median } from './lib/report.js';
import type { Service } from './lib/processes.js';
import { benchProxyEnv, parseBuildSpec, readProxyLaunch } from './lib/proxy-launch.js';
import { consoleTable } from './lib/report.js';
import { ensureWrk } from './lib/wrk.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    method: { type: 'string', default: 'GET' },
    rounds: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '2' },
    /** The builds' LOG_LEVEL: warn (no request lines) or info (the default configuration, one line per request). */
    'log-level': { type: 'string', default: 'warn' },
    /** A request header line, `name: value`, sent by wrk to every server (repeatable). */
    header: { type: 'string', multiple: true, default: [] },
  },
});
const method = values.method === 'POST' ? 'POST' : 'GET';
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
if (positionals.length === 0 || !(rounds > 0) || !(seconds > 0)) {
  console.error('usage: node dist/bench/ab.js [--method GET|POST] [--rounds N] [--seconds S] main.js[|node flags] ...');
  process.exit(2);
}

const image = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'jwt-proxy-ab-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
ensureWrk((message) => console.error(message));

async function start(name: string, args: readonly string[], env: Record<string, string>, cpus: string): Promise<Service> {
  const port = await freePort();
  return startService({ name, command: process.execPath, args, env: { ...env, HTTP_PORT: String(port) }, cpus, port, logFile: path.join(tmp, `${name}.log`) });
}

/** `[NAME=value ...] main.js|--flag --flag`: the build's environment, entry and node flags (the image's when there is no `|`). */
function buildLaunch(spec: string): { readonly args: string[]; readonly env: Readonly<Record<string, string>> } {
  const build = parseBuildSpec(spec, image.nodeFlags);
  const env = { ...build.env };
  // A users file (or any file) named relative to where the bench was started.
  if (env['PROXY_USERS_FILE'] !== undefined) env['PROXY_USERS_FILE'] = path.resolve(env['PROXY_USERS_FILE']);
  return { args: [...build.nodeFlags, path.resolve(build.main)], env };
}

const upstream = await start('upstream', [path.join(ROOT, 'dist/bench/upstream.js')], {}, '0');
const ours = { ...benchProxyEnv(image), UPSTREAM_URL: upstream.url, HOST: '127.0.0.1', LOG_LEVEL: values['log-level'] === 'info' ? 'info' : 'warn' };
const servers = [await start('reference', [path.join(ROOT, 'dist/bench/reference-proxy.js')], { UPSTREAM_URL: upstream.url }, '1')];
for (const [i, spec] of positionals.entries()) {
  const build = buildLaunch(spec);
  servers.push(await start(`build-${i + 1}`, build.args, { ...ours, ...build.env }, '1'));
}
const headers = values.header;

/** Each build's peak RSS over every round it was driven in (sampled by `drive`). */
const peakRssMb = new Map<Service, number>();
/**
 * req/s, and the server's CPU µs per answered request (user + system time from /proc over the
 * requests): on a shared machine req/s swings with the neighbours' load, CPU per request much less.
 */
const drive = async (server: Service, durationS: number): Promise<{ rps: number; cpuUs: number }> => {
  const sampler = sample(() => server.pids());
  const result = await runLoad({ generator: 'wrk', url: `${server.url}/api/orders?bench=ab`, method, ...(method === 'POST' ? { body: BENCH_BODY } : {}), headers, connections: 64, durationS, cpus: '0' });
  const sampling = sampler.stop();
  peakRssMb.set(server, Math.max(peakRssMb.get(server) ?? 0, sampling.peakRssMb));
  return { rps: result.rps, cpuUs: result.requests > 0 ? (sampling.cpuSeconds * 1e6) / result.requests : Number.NaN };
};
const table: number[][] = [];
const cpuTable: number[][] = [];
try {
  for (const server of servers) await drive(server, 2); // warm-up: JIT and pools
  for (let round = 1; round <= rounds; round++) {
    const row: number[] = new Array<number>(servers.length).fill(Number.NaN);
    const cpuRow: number[] = [...row];
    // Each round starts one build later: a build never always follows the same one (position effects).
    for (let k = 0; k < servers.length; k++) {
      const i = (round - 1 + k) % servers.length;
      const { rps, cpuUs } = await drive(servers[i] as Service, seconds);
      row[i] = rps;
      cpuRow[i] = cpuUs;
    }
    table.push(row);
    cpuTable.push(cpuRow);
    console.error(`round ${round}/${rounds}: ${row.map((rps) => rps.toFixed(0)).join(' ')}  CPU µs/req ${cpuRow.map((us) => us.toFixed(0)).join(' ')}`);
  }
} finally {
  for (const server of [...servers, upstream]) await server.stop();
}
const names = ['reference', ...positionals];
const figures = summarisePairedRounds(table);
console.log(`${method}, LOG_LEVEL=${ours.LOG_LEVEL}, ${rounds} rounds x ${seconds}s, wrk -t1 -c64${headers.length > 0 ? `, headers: ${headers.map((h) => h.split(':')[0]).join(', ')}` : ''}; ratio = median over rounds of req/s / the reference's in the same round`);
// CPU µs/req per build, and per round over the previous build's (a change's cost when builds are listed in order).
const cpuOf = (i: number) => median(cpuTable.map((row) => row[i] ?? Number.NaN));
const cpuVsPrevious = (i: number) => (i === 0 ? Number.NaN : median(cpuTable.map((row) => (row[i] ?? Number.NaN) / (row[i - 1] ?? Number.NaN))));
console.log(consoleTable(
  ['build', 'median req/s', 'median ratio', 'min', 'max', 'rounds', 'CPU µs/req', 'CPU/req vs previous', 'peak RSS MB'],
  figures.map((f, i) => [names[i] ?? '', f.medianRps.toFixed(0), f.medianRatio.toFixed(3), f.minRatio.toFixed(3), f.maxRatio.toFixed(3), String(f.rounds), cpuOf(i).toFixed(0), i === 0 ? '' : cpuVsPrevious(i).toFixed(3), (peakRssMb.get(servers[i] as Service) ?? Number.NaN).toFixed(1)]),
));
