/**
 * `npm run bench [-- --quick]`: the benchmark of issues #7 and 11.
 *
 * Starts the upstream, the proxies under test and the load generator (wrk,
 * one thread) as separate processes, pinned with taskset where it exists:
 *   core 0: wrk + the upstream behind every proxy;
 *   core 1: the proxy under test (jwt-proxy, the reference proxy, nginx);
 *   the "direct" rows hit a second upstream pinned alone to core 1, so they
 *   show what one Node process on the proxy's core can serve (the ceiling);
 *   the WORKERS rows run on cores 0-1: a cluster on one core would only add
 *   context switches, so it competes with the load generator instead.
 * Each configuration is warmed up, then run in rounds (bench/lib/rounds.ts:
 * jwt-proxy and the reference back to back, order flipped every round); the
 * targets use the median of the per-round ratios. autocannon repeats the
 * jwt-proxy/reference pairs as a cross-check. Writes bench/results/latest.{json,md},
 * the README's performance table and the results block of docs/performance.md
 * (bench/readme.ts), and a timestamped copy under bench/results/raw/
 * (--quick writes only the raw copy).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { autocannonVersion } from './lib/autocannon.js';
import { runLoad } from './lib/load.js';
import type { Generator, LoadResult } from './lib/load-spec.js';
import { NGINX, nginxArgs } from './lib/nginx.js';
import { foreignCpu, freePort, rssKb, sample, startService, TASKSET, type Sampling, type Service } from './lib/processes.js';
import { checkTargets, consoleTable, summarise, TABLE_HEADER, tableRows, type ConfigResult, type LeakCheck, type LeakChecks, type Method, type Role, type Summary } from './lib/report.js';
import { leakLine, resultsMarkdown, type BenchResults, type CrossCheckRow, type MachineInfo, type WorkersRow } from './lib/results.js';
import { benchProxyEnv, readProxyLaunch } from './lib/proxy-launch.js';
import { roundOrder } from './lib/rounds.js';
import { ensureWrk, wrkVersion } from './lib/wrk.js';
import { BENCH_BODY as BODY } from './lib/body.js';
import { updateReadmeAndDocs } from './readme.js';
import { jwtVerify } from 'jose';
import { DEFAULT_JWT_SECRET } from '../contracts/src/index.js';
import { checkClaims } from '../contracts/src/token-claims.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UPSTREAM_MAIN = path.join(ROOT, 'dist/bench/upstream.js');
const REFERENCE_MAIN = path.join(ROOT, 'dist/bench/reference-proxy.js');
/** The peers of issue #22: the design card built the obvious way, and fastify + @fastify/http-proxy. */
const OBVIOUS_MAIN = path.join(ROOT, 'dist/bench/peers/obvious.js');
const FASTIFY_MAIN = path.join(ROOT, 'dist/bench/peers/fastify.js');
const RESULTS_DIR = path.join(ROOT, 'bench/results');
/** jwt-proxy runs with its image's Node flags and NODE_ENV (bench/lib/proxy-launch.ts). */
const PROXY_LAUNCH = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
const PROXY_NODE_ARGS = (main: string) => [...PROXY_LAUNCH.nodeFlags, main];
/** Under NODE_ENV=production the proxy refuses the published default key: a fresh one per run, same HMAC cost. */
const PROXY_ENV = benchProxyEnv(PROXY_LAUNCH);

const LOAD_CPU = '0';
const PROXY_CPU = '1';
const BOTH_CPUS = '0,1';
/** Per-request logs off: pino's `warn` keeps warnings and errors only. */
const QUIET_LOG_LEVEL = 'warn';

/** --quick runs only the rows the throughput and latency targets need. */
const QUICK_IDS = ['ours-post', 'ref-post', 'obvious-post', 'fastify-post', 'ours-get', 'ref-get', 'obvious-get', 'fastify-get'];

const { values: args } = parseArgs({
  // --no-cross-check, --no-write-latest
  allowNegative: true,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'leak-small': { type: 'string' },
    'leak-large': { type: 'string' },
    'no-leak': { type: 'boolean', default: false },
    'cross-check': { type: 'boolean' },
    'cross-check-runs': { type: 'string', default: '3' },
    only: { type: 'string' },
    'write-latest': { type: 'boolean' },
    'quiet-wait': { type: 'string' },
    'quiet-budget': { type: 'string' },
    proxy: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const quick = args.quick;
/** The jwt-proxy entry point under test; --proxy compares another build (e.g. a copy of dist/ with a change). */
const PROXY_MAIN = path.resolve(args.proxy ?? path.join(ROOT, 'dist/proxy/src/main.js'));
const options = {
  runs: Number(args.runs ?? (quick ? 1 : 5)),
  durationS: Number(args.duration ?? (quick ? 3 : 6)),
  /** A separate warm-up pass per configuration before the measured rounds (0 = none). */
  warmupS: Number(args.warmup ?? (quick ? 1 : 3)),
  connections: Number(args.connections),
  leakSmall: Number(args['leak-small'] ?? (quick ? 1_000 : 20_000)),
  leakLarge: Number(args['leak-large'] ?? (quick ? 5_000 : 200_000)),
  leak: !args['no-leak'],
  crossCheck: args['cross-check'] ?? !quick,
  crossCheckRuns: Number(args['cross-check-runs']),
  writeLatest: args['write-latest'] ?? !quick,
  /** Seconds to wait, before each measured run, for other processes to leave the CPUs alone (0 = don't). */
  quietWaitS: Number(args['quiet-wait'] ?? (quick ? 0 : 20)),
  /** ...and at most this many seconds of such waiting over the whole run. */
  quietBudgetS: Number(args['quiet-budget'] ?? 120),
  only: args.only === undefined ? (quick ? new Set(QUICK_IDS) : undefined) : new Set(args.only.split(',')),
};

type ServiceKey = 'direct' | 'ours' | 'oursInfo' | 'reference' | 'obvious' | 'fastify' | 'nginx' | 'workers1' | 'workersAuto';

interface BenchConfig {
  readonly id: string;
  /** Configurations of one group run back to back in every round (bench/lib/rounds.ts). */
  readonly group: string;
  readonly label: string;
  readonly role: Role;
  readonly method: Method;
  readonly service: ServiceKey;
  readonly pinning: string;
  /** What the upstream must see in x-my-jwt when the client sent a forged one. */
  readonly expectToken: 'signed' | 'absent';
}

const CONFIGS: readonly BenchConfig[] = [
  { id: 'ours-post', group: 'post', label: 'jwt-proxy, POST signed', role: 'ours', method: 'POST', service: 'ours', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'ref-post', group: 'post', label: 'reference node:http proxy, POST signed', role: 'reference', method: 'POST', service: 'reference', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'obvious-post', group: 'post', label: 'express 5 + http-proxy-middleware 4 + jsonwebtoken (the obvious build), POST signed', role: 'obvious', method: 'POST', service: 'obvious', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'fastify-post', group: 'post', label: 'fastify 5 + @fastify/http-proxy + jsonwebtoken, POST signed', role: 'fastify', method: 'POST', service: 'fastify', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'ours-get', group: 'get', label: 'jwt-proxy, GET unsigned', role: 'ours', method: 'GET', service: 'ours', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'ref-get', group: 'get', label: 'reference node:http proxy, GET unsigned', role: 'reference', method: 'GET', service: 'reference', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'obvious-get', group: 'get', label: 'express 5 + http-proxy-middleware 4 (the obvious build), GET', role: 'obvious', method: 'GET', service: 'obvious', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'fastify-get', group: 'get', label: 'fastify 5 + @fastify/http-proxy, GET', role: 'fastify', method: 'GET', service: 'fastify', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'direct-post', group: 'direct', label: 'direct to upstream, POST (ceiling)', role: 'direct', method: 'POST', service: 'direct', pinning: 'upstream core 1', expectToken: 'absent' },
  { id: 'direct-get', group: 'direct', label: 'direct to upstream, GET (ceiling)', role: 'direct', method: 'GET', service: 'direct', pinning: 'upstream core 1', expectToken: 'absent' },
  { id: 'ours-post-info', group: 'info', label: 'jwt-proxy, POST signed, LOG_LEVEL=info (default)', role: 'ours-info', method: 'POST', service: 'oursInfo', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'nginx-post', group: 'nginx', label: 'nginx reverse proxy, POST (no signing)', role: 'nginx', method: 'POST', service: 'nginx', pinning: 'nginx core 1', expectToken: 'absent' },
  { id: 'nginx-get', group: 'nginx', label: 'nginx reverse proxy, GET', role: 'nginx', method: 'GET', service: 'nginx', pinning: 'nginx core 1', expectToken: 'absent' },
  { id: 'workers1-post', group: 'workers', label: 'jwt-proxy WORKERS=1, POST signed', role: 'workers', method: 'POST', service: 'workers1', pinning: 'proxy cores 0-1', expectToken: 'signed' },
  { id: 'workersauto-post', group: 'workers', label: 'jwt-proxy WORKERS=auto, POST signed', role: 'workers', method: 'POST', service: 'workersAuto', pinning: 'proxy cores 0-1', expectToken: 'signed' },
];

if (args.help) {
  console.log(`usage: npm run bench -- [--quick] [--runs N] [--duration S] [--warmup S] [--connections N]
       [--only id,id] [--leak-small N] [--leak-large N] [--no-leak] [--cross-check | --no-cross-check]
       [--cross-check-runs N] [--write-latest | --no-write-latest] [--quiet-wait S] [--quiet-budget S]
       [--proxy path/to/main.js]
ids: ${CONFIGS.map((c) => c.id).join(' ')}
full run (default): 5 rounds x 6 s, 3 s warm-up, leak check 20k/200k, autocannon cross-check; about 15 minutes.
--quick: ${QUICK_IDS.join(' ')}; 1 round x 3 s, leak check 1k/5k (no verdict), no cross-check; under a minute.`);
  process.exit(0);
}

const notes: string[] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const tryRun = (cmd: string, cmdArgs: string[]): string | undefined => {
    try {
      return execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr;
      return stderr?.trim() || undefined;
    }
  };
  const commit = tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'proxy', 'contracts', 'bench']) ? ' (+ local changes)' : '';
  // nginx -v prints its version on stderr.
  const nginxVersion = NGINX === undefined ? undefined : spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim() || undefined;
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    wrk: wrkVersion(),
    autocannon: autocannonVersion(),
    nginx: nginxVersion,
    taskset: TASKSET !== undefined,
    commit: commit === undefined ? undefined : commit + dirty,
  };
}

/**
 * A token the upstream saw, verified: HS512 with the secret the row signs with, and the contract's
 * claims. `signed` only then; `unverified: why` otherwise.
 */
async function verifyToken(token: string | null, secret: string): Promise<string> {
  if (token === null) return 'unverified: the upstream did not echo the token';
  try {
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS512'] });
    if (protectedHeader.typ !== 'JWT') return 'unverified: typ is not JWT';
    const claims = checkClaims(payload);
    return claims.ok ? 'signed' : `unverified: ${claims.violations.map((v) => `${v.path} ${v.reason}`).join('; ')}`;
  } catch (err) {
    return `unverified: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The secret a row signs with: jwt-proxy's fresh one (PROXY_ENV), the peers' and the reference's published default. */
function secretOf(service: ServiceKey): string {
  return service === 'reference' || service === 'obvious' || service === 'fastify' ? DEFAULT_JWT_SECRET : PROXY_ENV.JWT_SECRET;
}

/** One request with a forged token: the upstream reports what reached it (bench/upstream.ts); a signed one is verified. */
async function tokenCheck(url: string, method: Method, forge: boolean, secret: string): Promise<string> {
  const response = await fetch(`${url}/bench/check`, {
    method,
    headers: { 'content-type': 'application/json', ...(forge ? { 'x-my-jwt': 'forged' } : {}) },
    ...(method === 'POST' ? { body: BODY } : {}),
  });
  await response.arrayBuffer();
  if (response.status !== 200) return `HTTP ${response.status}`;
  const seen = response.headers.get('x-bench-token') ?? 'unknown';
  return seen === 'signed' ? verifyToken(response.headers.get('x-bench-token-value'), secret) : seen;
}

type Services = Map<ServiceKey, Service>;

/** Starts the upstream and every server a wanted configuration needs; `started` collects them for stopping. */
async function startServices(tmp: string, started: Service[]): Promise<Services> {
  const services: Services = new Map();
  const wanted = (key: ServiceKey) => CONFIGS.some((c) => c.service === key && (options.only === undefined || options.only.has(c.id)));
  const start = async (key: ServiceKey | undefined, name: string, command: string, cmdArgs: string[], env: Record<string, string>, cpus: string, port?: number) => {
    const actualPort = port ?? (await freePort());
    const service = await startService({ name, command, args: cmdArgs, env: { HTTP_PORT: String(actualPort), ...env }, cpus, port: actualPort, logFile: path.join(tmp, `${name}.log`) });
    if (key !== undefined) services.set(key, service);
    started.push(service);
    return service;
  };
  const upstream = await start(undefined, 'upstream', process.execPath, [UPSTREAM_MAIN], {}, LOAD_CPU);
  const viaUpstream = { UPSTREAM_URL: upstream.url };
  if (wanted('direct')) await start('direct', 'direct-upstream', process.execPath, [UPSTREAM_MAIN], {}, PROXY_CPU);
  if (wanted('reference')) await start('reference', 'reference-proxy', process.execPath, PROXY_NODE_ARGS(REFERENCE_MAIN), viaUpstream, PROXY_CPU);
  // Every Node row with the image's flags (issue #22), so the rows differ by code only.
  const peer = (key: ServiceKey, name: string, main: string) => start(key, name, process.execPath, PROXY_NODE_ARGS(main), viaUpstream, PROXY_CPU);
  if (wanted('obvious')) await peer('obvious', 'obvious-build', OBVIOUS_MAIN);
  if (wanted('fastify')) await peer('fastify', 'fastify-peer', FASTIFY_MAIN);
  const proxy = (key: ServiceKey, name: string, env: Record<string, string>, cpus: string) =>
    start(key, name, process.execPath, PROXY_NODE_ARGS(PROXY_MAIN), { ...viaUpstream, ...PROXY_ENV, HOST: '127.0.0.1', ...env }, cpus);
  if (!existsSync(PROXY_MAIN)) {
    notes.push(`jwt-proxy not built (${path.relative(ROOT, PROXY_MAIN)} missing): its rows and targets are skipped.`);
  } else {
    if (wanted('ours')) await proxy('ours', 'jwt-proxy', { LOG_LEVEL: QUIET_LOG_LEVEL }, PROXY_CPU);
    if (wanted('oursInfo')) await proxy('oursInfo', 'jwt-proxy-info', {}, PROXY_CPU);
    if (wanted('workers1')) await proxy('workers1', 'jwt-proxy-workers-1', { LOG_LEVEL: QUIET_LOG_LEVEL, WORKERS: '1' }, BOTH_CPUS);
    if (wanted('workersAuto')) await startCluster(await proxy('workersAuto', 'jwt-proxy-workers-auto', { LOG_LEVEL: QUIET_LOG_LEVEL, WORKERS: 'auto' }, BOTH_CPUS), services);
  }
  if (wanted('nginx')) {
    if (NGINX === undefined) {
      notes.push('nginx not on PATH: nginx rows skipped (install it, e.g. `apt-get install nginx-light`, to include them).');
    } else {
      const port = await freePort();
      const dir = path.join(tmp, 'nginx');
      mkdirSync(dir);
      await start('nginx', 'nginx', NGINX, nginxArgs(dir, port, upstream.port), {}, PROXY_CPU, port);
    }
  }
  return services;
}

/** Workers fork after the primary listens; wait (bounded) for them, else drop the row. */
async function startCluster(service: Service, services: Services): Promise<void> {
  for (let i = 0; i < 100 && service.pids().length < 3; i++) await delay(50);
  if (service.pids().length >= 3) return;
  notes.push('WORKERS=auto started fewer than 2 worker processes: its row is skipped.');
  await service.stop();
  services.delete('workersAuto');
}

function loadFor(services: Services, config: BenchConfig, seconds: number, generator: Generator) {
  const service = services.get(config.service);
  if (service === undefined) throw new Error(`no service for ${config.id}`);
  return {
    service,
    run: () =>
      runLoad({
        generator,
        url: `${service.url}/api/orders?bench=1`,
        method: config.method,
        ...(config.method === 'POST' ? { body: BODY } : {}),
        connections: options.connections,
        durationS: seconds,
        // autocannon is a Node process: without its own warm-up it is JIT-cold for the first second.
        ...(generator === 'autocannon' ? { warmupS: 1 } : {}),
        cpus: LOAD_CPU,
      }),
  };
}

interface Measured {
  readonly runs: LoadResult[];
  readonly samplings: Sampling[];
  readonly foreign: number[];
}

/** `rounds` rounds of every configuration in round order; per configuration, one run a round. */
async function measureRounds(services: Services, configs: readonly BenchConfig[], rounds: number, generator: Generator, allPids: () => number[]): Promise<Map<string, Measured>> {
  const measured = new Map<string, Measured>(configs.map((c) => [c.id, { runs: [], samplings: [], foreign: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const config of roundOrder(configs, round)) {
      await waitForQuiet(allPids);
      const { service, run } = loadFor(services, config, options.durationS, generator);
      const sampler = sample(() => service.pids());
      const others = foreignCpu(allPids);
      const result = await run();
      const sampling = sampler.stop();
      const foreign = others.stop();
      const bucket = measured.get(config.id);
      bucket?.runs.push(result);
      bucket?.samplings.push(sampling);
      bucket?.foreign.push(foreign);
      log(
        `${generator} round ${round + 1}/${rounds} ${config.id.padEnd(16)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99Ms.toFixed(2)} ms  ` +
          `errors ${result.errors + result.timeouts} bad status ${result.badStatus}  rss ${sampling.peakRssMb.toFixed(1)} MB  cpu ${sampling.cpuPercent.toFixed(0)}%  other ${foreign.toFixed(0)}%`,
      );
    }
  }
  return measured;
}

function configResults(configs: readonly BenchConfig[], measured: Map<string, Measured>, tokens: Map<string, string>): ConfigResult[] {
  return configs.map((config) => ({
    id: config.id,
    label: config.label,
    role: config.role,
    method: config.method,
    pinning: config.pinning,
    token: tokens.get(config.id) ?? 'unchecked',
    runs: measured.get(config.id)?.runs ?? [],
    samplings: measured.get(config.id)?.samplings ?? [],
    foreignCpu: measured.get(config.id)?.foreign ?? [],
  }));
}

/** The jwt-proxy/reference pairs again, driven by autocannon: does the other generator see the same ratio? */
async function crossCheck(services: Services, configs: readonly BenchConfig[], summary: readonly Summary[], allPids: () => number[]): Promise<CrossCheckRow[]> {
  const pairs = configs.filter((c) => c.role === 'ours' || c.role === 'reference');
  if (pairs.length === 0) return [];
  const measured = await measureRounds(services, pairs, options.crossCheckRuns, 'autocannon', allPids);
  const acSummary = summarise(configResults(pairs, measured, new Map()));
  const methods = [...new Set(pairs.map((c) => c.method))];
  return methods.flatMap((method) => {
    const ours = acSummary.find((r) => r.role === 'ours' && r.method === method);
    const ref = acSummary.find((r) => r.role === 'reference' && r.method === method);
    if (ours === undefined || ref === undefined) return [];
    const wrkOurs = summary.find((r) => r.role === 'ours' && r.method === method);
    return [{ method, wrkRatio: wrkOurs?.vsReferencePaired ?? null, autocannonRatio: ours.vsReferencePaired, autocannonOursRps: ours.rps, autocannonReferenceRps: ref.rps }];
  });
}

function workersReport(summary: readonly Summary[], services: Services): WorkersRow[] {
  const one = summary.find((r) => r.id === 'workers1-post');
  const rows = [
    { row: one, setting: '1', processes: 1 },
    { row: summary.find((r) => r.id === 'workersauto-post'), setting: `auto (${os.availableParallelism()} cores here)`, processes: services.get('workersAuto')?.pids().length ?? 0 },
  ];
  return rows.flatMap(({ row, setting, processes }) =>
    row === undefined
      ? []
      : [{ setting, processes, rps: row.rps, vsOneWorker: one !== undefined && one.rps > 0 ? row.rps / one.rps : null, peakRssMb: row.peakRssMb, cpuPercent: row.cpuPercent }],
  );
}

async function main(): Promise<void> {
  const wrk = ensureWrk(log);
  const machine = machineInfo();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jwt-proxy-bench-'));
  const started: Service[] = [];
  log(`bench: ${quick ? 'QUICK ' : ''}${options.runs} round(s) x ${options.durationS}s per configuration, warm-up ${options.warmupS}s, ${options.connections} connections, POST body ${Buffer.byteLength(BODY)} bytes, ${wrk}`);
  log(`bench: temp dir ${tmp}`);
  if (TASKSET === undefined) notes.push('taskset not found: processes are NOT pinned; results mix load and proxy on the same cores.');
  if (os.cpus().length < 2 && TASKSET !== undefined) notes.push('fewer than 2 cores: pinning to core 1 will fail.');
  try {
    const services = await startServices(tmp, started);
    const configs = CONFIGS.filter((c) => services.has(c.service) && (options.only === undefined || options.only.has(c.id)));
    const tokens = new Map<string, string>();
    for (const config of configs) {
      const service = services.get(config.service);
      if (service === undefined) continue;
      const seen = await tokenCheck(service.url, config.method, config.role !== 'direct', secretOf(config.service));
      tokens.set(config.id, seen === config.expectToken ? seen : `${seen} (expected ${config.expectToken}!)`);
      if (seen !== config.expectToken) notes.push(`${config.id}: the upstream saw token "${seen}", expected "${config.expectToken}".`);
    }
    if (options.warmupS > 0) {
      for (const config of configs) {
        log(`warm-up ${config.id}`);
        await loadFor(services, config, options.warmupS, 'wrk').run();
      }
    }
    const allPids = () => started.flatMap((service) => service.pids());
    const results = configResults(configs, await measureRounds(services, configs, options.runs, 'wrk', allPids), tokens);
    const summary = summarise(results);
    const cross = options.crossCheck ? await crossCheck(services, configs, summary, allPids) : [];
    const workers = workersReport(summary, services);
    const disturbed = results.filter((r) => r.foreignCpu.some((f) => f > 15)).map((r) => r.id);
    if (disturbed.length > 0) {
      notes.push(`other processes used more than 15% of a core during some runs of: ${disturbed.join(', ')} ("other CPU %" column); rerun on a quiet machine before trusting those rows.`);
    }
    const leaks = await leakChecks(tmp);
    report({ machine, quick, setup: setupLines(), summary, targets: checkTargets(summary, leaks), leaks, workers, crossCheck: cross, notes, runs: results, options: { ...options, only: options.only ? [...options.only] : undefined, bodyBytes: Buffer.byteLength(BODY) } });
  } finally {
    for (const service of started.reverse()) await service.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

let quietWaitedMs = 0;

/**
 * Other processes may share this machine: wait (bounded) until they use under a quarter of a core.
 * Each wait is capped, and so is their sum, so a busy machine makes a run noisy, never endless.
 */
async function waitForQuiet(ourPids: () => number[]): Promise<void> {
  const budgetMs = options.quietBudgetS * 1000 - quietWaitedMs;
  if (options.quietWaitS <= 0 || budgetMs <= 0) return;
  const startedAt = Date.now();
  const deadline = startedAt + Math.min(options.quietWaitS * 1000, budgetMs);
  let announced = false;
  try {
    for (;;) {
      const probe = foreignCpu(ourPids);
      await delay(500);
      const other = probe.stop();
      if (!(other > 25) || Date.now() > deadline) return;
      if (!announced) log(`waiting for a quiet machine (other processes use ${other.toFixed(0)}% of a core)...`);
      announced = true;
    }
  } finally {
    quietWaitedMs += Date.now() - startedAt;
  }
}

/**
 * The leak check through jwt-proxy and then, the same way, through the obvious build: the peak-RSS
 * target compares each process's peak over the same workloads (issue #22).
 */
async function leakChecks(tmp: string): Promise<LeakChecks> {
  const wanted = (id: string) => options.leak && (options.only === undefined || options.only.has(id));
  const ours = wanted('ours-post') && existsSync(PROXY_MAIN) ? await leakCheck(tmp, 'leak-proxy', PROXY_MAIN, { ...PROXY_ENV, HOST: '127.0.0.1', LOG_LEVEL: QUIET_LOG_LEVEL }) : undefined;
  const obvious = wanted('obvious-post') ? await leakCheck(tmp, 'leak-obvious', OBVIOUS_MAIN, {}) : undefined;
  return { ours, obvious };
}

/** A fresh proxy: RSS after `leakSmall` requests, then after `leakLarge` in total (issue #7). */
async function leakCheck(tmp: string, name: string, main: string, env: Record<string, string>): Promise<LeakCheck> {
  const started: Service[] = [];
  const upstreamPort = await freePort();
  const port = await freePort();
  try {
    const upstream = await startService({ name: `${name}-upstream`, command: process.execPath, args: [UPSTREAM_MAIN], env: { HTTP_PORT: String(upstreamPort) }, cpus: LOAD_CPU, port: upstreamPort, logFile: path.join(tmp, `${name}-upstream.log`) });
    started.push(upstream);
    const proxy = await startService({
      name,
      command: process.execPath,
      args: PROXY_NODE_ARGS(main),
      env: { UPSTREAM_URL: upstream.url, ...env, HTTP_PORT: String(port) },
      cpus: PROXY_CPU,
      port,
      logFile: path.join(tmp, `${name}.log`),
    });
    started.push(proxy);
    const sampler = sample(() => proxy.pids());
    const phase = (amount: number) =>
      runLoad({ generator: 'wrk', url: `${proxy.url}/api/orders?bench=leak`, method: 'POST', body: BODY, connections: options.connections, amount, cpus: LOAD_CPU });
    await waitForQuiet(() => [...upstream.pids(), ...proxy.pids()]);
    log(`leak check ${name}: ${options.leakSmall} requests`);
    const first = await phase(options.leakSmall);
    await delay(1000);
    const rssAfterSmallMb = rssKb(proxy.pid) / 1024;
    log(`leak check ${name}: ${options.leakLarge - options.leakSmall} more requests`);
    const second = await phase(options.leakLarge - options.leakSmall);
    await delay(1000);
    const rssAfterLargeMb = rssKb(proxy.pid) / 1024;
    const { peakRssMb } = sampler.stop();
    return {
      smallRequests: options.leakSmall,
      largeRequests: options.leakLarge,
      rssAfterSmallMb,
      rssAfterLargeMb,
      peakRssMb,
      growth: (rssAfterLargeMb - rssAfterSmallMb) / rssAfterSmallMb,
      errors: first.errors + first.timeouts + second.errors + second.timeouts,
      badStatus: first.badStatus + second.badStatus,
      scaledDown: quick || options.leakLarge < 200_000,
    };
  } finally {
    for (const service of started.reverse()) await service.stop();
  }
}

function setupLines(): string[] {
  return [
    `Load: wrk, one thread (\`-t1 -c${options.connections}\`), ${Buffer.byteLength(BODY)}-byte JSON POST bodies (bench/lib/wrk.lua); ` +
      `${options.warmupS > 0 ? `a ${options.warmupS}s warm-up pass per configuration, then ` : ''}${options.runs} round(s) x ${options.durationS}s; ` +
      'in each round jwt-proxy and the reference run back to back, their order flipped every round (bench/lib/rounds.ts); medians.',
    TASKSET !== undefined
      ? 'Pinning (taskset): core 0 = wrk + the upstream behind the proxies; core 1 = the proxy under test (one process); "direct" = a second upstream alone on core 1; the WORKERS rows on cores 0-1 (they share core 0 with wrk and the upstream).'
      : 'Pinning: none (taskset not available).',
    `jwt-proxy runs as its image does (Dockerfile.proxy): \`node ${[...PROXY_LAUNCH.nodeFlags, ''].join(' ')}main.js\` with NODE_ENV=${PROXY_ENV.NODE_ENV}; ` +
      'the reference and the peers (bench/peers/) get the same Node flags. Every signing row\'s token is verified (HS512 signature, contract claims) before the run. ' +
      `jwt-proxy rows use LOG_LEVEL=${QUIET_LOG_LEVEL} (no per-request log lines) except the LOG_LEVEL=info row, whose lines go to a file. CPU % = the server process(es), 100 = one core; CPU µs/req = their CPU time over the requests they answered.`,
    'Ratios: "vs direct" = ratio of median req/s to the direct row of the same method; "vs reference", "vs obvious build", "vs fastify peer" and "p99 vs ref" = median over rounds of the ratio to that row of the same method in the same round (issue #22\'s targets use the obvious build\'s).',
  ];
}

function report(results: BenchResults): void {
  console.log('');
  console.log(consoleTable(TABLE_HEADER, tableRows(results.summary)));
  console.log('');
  for (const line of results.setup) console.log(line);
  console.log(leakLine(results.leaks));
  console.log('');
  console.log(consoleTable(['Verdict', 'Target', 'Measured'], results.targets.map((t) => [t.verdict, t.target, t.measured])));
  for (const note of results.notes) console.log(`note: ${note}`);

  const md = resultsMarkdown(results);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  mkdirSync(path.join(RESULTS_DIR, 'raw'), { recursive: true });
  const rawBase = path.join(RESULTS_DIR, 'raw', `${quick ? 'quick-' : ''}${results.machine.date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${rawBase}.json`, json);
  writeFileSync(`${rawBase}.md`, md);
  console.log(`\nwrote ${path.relative(ROOT, rawBase)}.{json,md}`);
  if (options.writeLatest) {
    writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
    writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
    const written = updateReadmeAndDocs(results);
    console.log(`wrote bench/results/latest.{json,md}, ${written.map((file) => path.relative(ROOT, file)).join(', ')}`);
  }
}

await main();
