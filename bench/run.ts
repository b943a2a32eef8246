/**
 * `npm run bench [-- --quick]`: the benchmark of issue #7.
 *
 * Starts the upstream, the proxies under test and the load generator as
 * separate processes, pinned with taskset where it exists:
 *   core 0: autocannon + the upstream behind every proxy;
 *   core 1: the proxy under test (jwt-proxy, the reference proxy, nginx);
 *   the "direct" rows hit a second upstream pinned alone to core 1, so they
 *   show what one Node process on the proxy's core can serve (the ceiling);
 *   WORKERS=2 is pinned to cores 0-1: a cluster on one core would only add
 *   context switches, so it competes with the load generator instead.
 * Each configuration is warmed up, then run several times in alternating
 * order; the table reports medians. Writes bench/results/latest.{json,md} and
 * a timestamped copy under bench/results/raw/ (--quick writes only the raw copy).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { autocannonVersion, runLoad, type LoadResult } from './lib/load.js';
import { NGINX, nginxArgs } from './lib/nginx.js';
import { foreignCpu, freePort, rssKb, sample, startService, TASKSET, type Sampling, type Service } from './lib/processes.js';
import {
  checkTargets,
  consoleTable,
  markdownTable,
  summarise,
  TABLE_HEADER,
  tableRows,
  type ConfigResult,
  type LeakCheck,
  type Method,
  type Role,
  type Summary,
  type TargetCheck,
} from './lib/report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UPSTREAM_MAIN = path.join(ROOT, 'dist/bench/upstream.js');
const REFERENCE_MAIN = path.join(ROOT, 'dist/bench/reference-proxy.js');
const RESULTS_DIR = path.join(ROOT, 'bench/results');

const LOAD_CPU = '0';
const PROXY_CPU = '1';
const BOTH_CPUS = '0,1';
/** Per-request logs off: pino's `warn` keeps warnings and errors only. */
const QUIET_LOG_LEVEL = 'warn';

/** A ~200-byte JSON body, as issue #7 specifies. */
const BODY = JSON.stringify({
  orderId: 'ord-2026-000123',
  customer: { id: 'c-4711', tier: 'gold' },
  items: [
    { sku: 'sku-0001', qty: 2, price: 19.99 },
    { sku: 'sku-0042', qty: 1, price: 5.5 },
  ],
  note: 'benchmark body, about two hundred bytes of ordinary JSON',
});

/** --quick runs only the rows the targets need. */
const QUICK_IDS = ['direct-post', 'direct-get', 'ours-post', 'ours-get', 'ref-post', 'ref-get'];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'leak-small': { type: 'string' },
    'leak-large': { type: 'string' },
    'no-leak': { type: 'boolean', default: false },
    only: { type: 'string' },
    'write-latest': { type: 'boolean' },
    'quiet-wait': { type: 'string' },
    proxy: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`usage: npm run bench -- [--quick] [--runs N] [--duration S] [--warmup S] [--connections N]
       [--only id,id] [--leak-small N] [--leak-large N] [--no-leak] [--write-latest] [--quiet-wait S]
       [--proxy path/to/main.js]
ids: direct-post direct-get ours-post ours-get ours-post-info ref-post ref-get nginx-post nginx-get cluster-post`);
  process.exit(0);
}

const quick = args.quick;
/** The jwt-proxy entry point under test; --proxy compares another build (e.g. a copy of dist/ with a change). */
const PROXY_MAIN = path.resolve(args.proxy ?? path.join(ROOT, 'dist/proxy/src/main.js'));
const options = {
  runs: Number(args.runs ?? (quick ? 1 : 5)),
  durationS: Number(args.duration ?? (quick ? 1 : 5)),
  /** A separate warm-up pass per configuration before the measured rounds (0 = none). */
  warmupS: Number(args.warmup ?? (quick ? 0 : 3)),
  /** autocannon's in-process warm-up before each measured run. */
  runWarmupS: 1,
  connections: Number(args.connections),
  leakSmall: Number(args['leak-small'] ?? (quick ? 1_000 : 20_000)),
  leakLarge: Number(args['leak-large'] ?? (quick ? 5_000 : 200_000)),
  leak: !args['no-leak'],
  writeLatest: args['write-latest'] ?? !quick,
  /** Seconds to wait, before each measured run, for other processes to leave the CPUs alone (0 = don't). */
  quietWaitS: Number(args['quiet-wait'] ?? (quick ? 0 : 60)),
  only: args.only === undefined ? (quick ? new Set(QUICK_IDS) : undefined) : new Set(args.only.split(',')),
};

type ServiceKey = 'direct' | 'ours' | 'oursInfo' | 'reference' | 'nginx' | 'cluster';

interface BenchConfig {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  readonly method: Method;
  readonly service: ServiceKey;
  readonly pinning: string;
  /** What the upstream must see in x-my-jwt when the client sent a forged one. */
  readonly expectToken: 'signed' | 'absent';
}

// Each jwt-proxy row sits right before its reference row: a round runs them back to back.
const CONFIGS: readonly BenchConfig[] = [
  { id: 'direct-post', label: 'direct to upstream, POST (ceiling)', role: 'direct', method: 'POST', service: 'direct', pinning: 'upstream core 1', expectToken: 'absent' },
  { id: 'ours-post', label: 'jwt-proxy, POST signed', role: 'ours', method: 'POST', service: 'ours', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'ref-post', label: 'reference node:http proxy, POST signed', role: 'reference', method: 'POST', service: 'reference', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'direct-get', label: 'direct to upstream, GET (ceiling)', role: 'direct', method: 'GET', service: 'direct', pinning: 'upstream core 1', expectToken: 'absent' },
  { id: 'ours-get', label: 'jwt-proxy, GET unsigned', role: 'ours', method: 'GET', service: 'ours', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'ref-get', label: 'reference node:http proxy, GET unsigned', role: 'reference', method: 'GET', service: 'reference', pinning: 'proxy core 1', expectToken: 'absent' },
  { id: 'ours-post-info', label: 'jwt-proxy, POST signed, LOG_LEVEL=info (default)', role: 'ours-info', method: 'POST', service: 'oursInfo', pinning: 'proxy core 1', expectToken: 'signed' },
  { id: 'nginx-post', label: 'nginx reverse proxy, POST (no signing)', role: 'nginx', method: 'POST', service: 'nginx', pinning: 'nginx core 1', expectToken: 'absent' },
  { id: 'nginx-get', label: 'nginx reverse proxy, GET', role: 'nginx', method: 'GET', service: 'nginx', pinning: 'nginx core 1', expectToken: 'absent' },
  { id: 'cluster-post', label: 'jwt-proxy WORKERS=2, POST signed', role: 'cluster', method: 'POST', service: 'cluster', pinning: 'proxy cores 0-1', expectToken: 'signed' },
];

const notes: string[] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);

function machineInfo() {
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
    autocannon: autocannonVersion(),
    nginx: nginxVersion,
    taskset: TASKSET !== undefined,
    commit: commit === undefined ? undefined : commit + dirty,
  };
}

/** One request with a forged token: the upstream reports what reached it (bench/upstream.ts). */
async function tokenCheck(url: string, method: Method, forge: boolean): Promise<string> {
  const response = await fetch(`${url}/bench/check`, {
    method,
    headers: { 'content-type': 'application/json', ...(forge ? { 'x-my-jwt': 'forged' } : {}) },
    ...(method === 'POST' ? { body: BODY } : {}),
  });
  await response.arrayBuffer();
  if (response.status !== 200) return `HTTP ${response.status}`;
  return response.headers.get('x-bench-token') ?? 'unknown';
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jwt-proxy-bench-'));
  const services = new Map<ServiceKey, Service>();
  const started: Service[] = [];
  log(`bench: ${quick ? 'QUICK ' : ''}${options.runs} run(s) x ${options.durationS}s per configuration, warm-up ${options.warmupS}s, ${options.connections} connections, POST body ${Buffer.byteLength(BODY)} bytes`);
  log(`bench: temp dir ${tmp}`);
  if (TASKSET === undefined) notes.push('taskset not found: processes are NOT pinned; results mix load and proxy on the same cores.');
  if (os.cpus().length < 2 && TASKSET !== undefined) notes.push('fewer than 2 cores: pinning to core 1 will fail.');

  const start = async (key: ServiceKey, name: string, command: string, cmdArgs: string[], env: Record<string, string>, cpus: string, port?: number) => {
    const service = await startService({ name, command, args: cmdArgs, env, cpus, port: port ?? (await freePort()), logFile: path.join(tmp, `${name}.log`) });
    services.set(key, service);
    started.push(service);
    return service;
  };

  try {
    const wanted = (key: ServiceKey) => CONFIGS.some((c) => c.service === key && (options.only === undefined || options.only.has(c.id)));
    const upstreamPort = await freePort();
    const upstream = await startService({ name: 'upstream', command: process.execPath, args: [UPSTREAM_MAIN], env: { HTTP_PORT: String(upstreamPort) }, cpus: LOAD_CPU, port: upstreamPort, logFile: path.join(tmp, 'upstream.log') });
    started.push(upstream);
    const upstreamEnv = { UPSTREAM_URL: upstream.url };
    if (wanted('direct')) {
      const port = await freePort();
      await start('direct', 'direct-upstream', process.execPath, [UPSTREAM_MAIN], { HTTP_PORT: String(port) }, PROXY_CPU, port);
    }
    if (wanted('reference')) {
      const port = await freePort();
      await start('reference', 'reference-proxy', process.execPath, [REFERENCE_MAIN], { ...upstreamEnv, HTTP_PORT: String(port) }, PROXY_CPU, port);
    }
    const proxyPresent = existsSync(PROXY_MAIN);
    if (!proxyPresent) notes.push(`jwt-proxy not built (${path.relative(ROOT, PROXY_MAIN)} missing): its rows and targets are skipped.`);
    const proxyEnv = (port: number, extra: Record<string, string>) => ({ ...upstreamEnv, HTTP_PORT: String(port), HOST: '127.0.0.1', ...extra });
    if (proxyPresent && wanted('ours')) {
      const port = await freePort();
      await start('ours', 'jwt-proxy', process.execPath, [PROXY_MAIN], proxyEnv(port, { LOG_LEVEL: QUIET_LOG_LEVEL }), PROXY_CPU, port);
    }
    if (proxyPresent && wanted('oursInfo')) {
      const port = await freePort();
      const env = proxyEnv(port, {});
      await start('oursInfo', 'jwt-proxy-info', process.execPath, [PROXY_MAIN], env, PROXY_CPU, port);
    }
    if (proxyPresent && wanted('cluster')) {
      const port = await freePort();
      const service = await start('cluster', 'jwt-proxy-cluster', process.execPath, [PROXY_MAIN], proxyEnv(port, { LOG_LEVEL: QUIET_LOG_LEVEL, WORKERS: '2' }), BOTH_CPUS, port);
      // Workers fork after the primary starts; give them a moment to appear, then check.
      for (let i = 0; i < 40 && service.pids().length < 3; i++) await delay(50);
      if (service.pids().length < 3) {
        notes.push('WORKERS=2 started no worker processes (cluster mode not supported yet): cluster row skipped.');
        await service.stop();
        services.delete('cluster');
      }
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

    const configs = CONFIGS.filter((c) => services.has(c.service) && (options.only === undefined || options.only.has(c.id)));
    const tokens = new Map<string, string>();
    for (const config of configs) {
      const service = services.get(config.service);
      if (service === undefined) continue;
      const seen = await tokenCheck(service.url, config.method, config.role !== 'direct');
      tokens.set(config.id, seen === config.expectToken ? seen : `${seen} (expected ${config.expectToken}!)`);
      if (seen !== config.expectToken) notes.push(`${config.id}: the upstream saw token "${seen}", expected "${config.expectToken}".`);
    }

    const load = (config: BenchConfig, seconds: number, warmupS: number) => {
      const service = services.get(config.service);
      if (service === undefined) throw new Error(`no service for ${config.id}`);
      return {
        service,
        run: () =>
          runLoad({
            url: `${service.url}/api/orders?bench=1`,
            method: config.method,
            ...(config.method === 'POST' ? { body: BODY } : {}),
            connections: options.connections,
            durationS: seconds,
            warmupS,
            cpus: LOAD_CPU,
          }),
      };
    };

    if (options.warmupS > 0) {
      for (const config of configs) {
        log(`warm-up ${config.id}`);
        await load(config, options.warmupS, 0).run();
      }
    }
    const allPids = () => started.flatMap((service) => service.pids());
    const runs = new Map<string, { runs: LoadResult[]; samplings: Sampling[]; foreign: number[] }>(
      configs.map((c) => [c.id, { runs: [], samplings: [], foreign: [] }]),
    );
    for (let round = 0; round < options.runs; round++) {
      // Rotate the order each round so no configuration always runs first or after the same neighbour.
      const order = configs.map((_, i) => configs[(i + round) % configs.length]).filter((c): c is BenchConfig => c !== undefined);
      for (const config of order) {
        await waitForQuiet(allPids);
        const { service, run } = load(config, options.durationS, options.runWarmupS);
        const sampler = sample(() => service.pids());
        const others = foreignCpu(allPids);
        const result = await run();
        const sampling = sampler.stop();
        const foreign = others.stop();
        const bucket = runs.get(config.id);
        bucket?.runs.push(result);
        bucket?.samplings.push(sampling);
        bucket?.foreign.push(foreign);
        log(`round ${round + 1}/${options.runs} ${config.id.padEnd(15)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99Ms} ms  errors ${result.errors + result.timeouts} non2xx ${result.non2xx}  rss ${sampling.peakRssMb.toFixed(1)} MB  cpu ${sampling.cpuPercent.toFixed(0)}%  other ${foreign.toFixed(0)}%`);
      }
    }

    let leak: LeakCheck | undefined;
    if (options.leak && proxyPresent && (options.only === undefined || options.only.has('ours-post'))) {
      leak = await leakCheck(tmp);
    }

    const results: ConfigResult[] = configs.map((config) => ({
      id: config.id,
      label: config.label,
      role: config.role,
      method: config.method,
      pinning: config.pinning,
      token: tokens.get(config.id) ?? 'unchecked',
      runs: runs.get(config.id)?.runs ?? [],
      samplings: runs.get(config.id)?.samplings ?? [],
      foreignCpu: runs.get(config.id)?.foreign ?? [],
    }));
    const disturbed = results.filter((r) => r.foreignCpu.some((f) => f > 15)).map((r) => r.id);
    if (disturbed.length > 0) {
      notes.push(`other processes used more than 15% of a core during some runs of: ${disturbed.join(', ')} ("other CPU %" column); rerun on a quiet machine before trusting those rows.`);
    }
    const summary = summarise(results);
    const targets = checkTargets(summary, leak);
    report(machine, summary, targets, leak, results);
  } finally {
    for (const service of started.reverse()) await service.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Other processes may share this machine: wait (bounded) until they use under a quarter of a core. */
async function waitForQuiet(ourPids: () => number[]): Promise<void> {
  if (options.quietWaitS <= 0) return;
  const deadline = Date.now() + options.quietWaitS * 1000;
  let announced = false;
  for (;;) {
    const probe = foreignCpu(ourPids);
    await delay(500);
    const other = probe.stop();
    if (!(other > 25) || Date.now() > deadline) return;
    if (!announced) log(`waiting for a quiet machine (other processes use ${other.toFixed(0)}% of a core)...`);
    announced = true;
  }
}

/** A fresh proxy: RSS after `leakSmall` requests, then after `leakLarge` in total (issue #7). */
async function leakCheck(tmp: string): Promise<LeakCheck> {
  const upstreamPort = await freePort();
  const upstream = await startService({ name: 'leak-upstream', command: process.execPath, args: [UPSTREAM_MAIN], env: { HTTP_PORT: String(upstreamPort) }, cpus: LOAD_CPU, port: upstreamPort, logFile: path.join(tmp, 'leak-upstream.log') });
  const port = await freePort();
  const proxy = await startService({
    name: 'leak-proxy',
    command: process.execPath,
    args: [PROXY_MAIN],
    env: { UPSTREAM_URL: upstream.url, HTTP_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: QUIET_LOG_LEVEL },
    cpus: PROXY_CPU,
    port,
    logFile: path.join(tmp, 'leak-proxy.log'),
  });
  try {
    const sampler = sample(() => proxy.pids());
    const phase = (amount: number) =>
      runLoad({ url: `${proxy.url}/api/orders?bench=leak`, method: 'POST', body: BODY, connections: options.connections, amount, cpus: LOAD_CPU });
    await waitForQuiet(() => [...upstream.pids(), ...proxy.pids()]);
    log(`leak check: ${options.leakSmall} requests`);
    const first = await phase(options.leakSmall);
    await delay(1000);
    const rssAfterSmallMb = rssKb(proxy.pid) / 1024;
    log(`leak check: ${options.leakLarge - options.leakSmall} more requests`);
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
      non2xx: first.non2xx + second.non2xx,
      scaledDown: quick || options.leakLarge < 200_000,
    };
  } finally {
    await proxy.stop();
    await upstream.stop();
  }
}

function report(machine: ReturnType<typeof machineInfo>, summary: Summary[], targets: TargetCheck[], leak: LeakCheck | undefined, results: ConfigResult[]): void {
  const rows = tableRows(summary);
  const setup = [
    `${options.connections} connections, ${Buffer.byteLength(BODY)}-byte JSON POST bodies; ${options.warmupS > 0 ? `a ${options.warmupS}s warm-up pass per configuration, then ` : ''}${options.runs} run(s) x ${options.durationS}s per configuration in alternating order, each after autocannon's own ${options.runWarmupS}s warm-up (-W); medians.`,
    TASKSET !== undefined
      ? 'Pinning (taskset): core 0 = autocannon + the upstream behind the proxies; core 1 = the proxy under test (one process); "direct" = a second upstream alone on core 1; WORKERS=2 on cores 0-1 (shares core 0 with the load generator).'
      : 'Pinning: none (taskset not available).',
    `jwt-proxy rows use LOG_LEVEL=${QUIET_LOG_LEVEL} (no per-request log lines) except the LOG_LEVEL=info row, whose lines go to a file. CPU % = the server process(es), 100 = one core.`,
    'Ratios: "vs direct" = ratio of median req/s to the direct row of the same method; "vs reference" and "p99 vs ref" = median over rounds of the ratio to the reference row of the same method in the same round (the two run back to back, so drifts of a shared machine cancel; the targets use these).',
  ];
  const targetRows = targets.map((t) => [t.verdict, t.target, t.measured]);
  const leakLine = leak
    ? `Leak check (fresh proxy, POST signed${leak.scaledDown ? ', SCALED DOWN' : ''}): RSS ${leak.rssAfterSmallMb.toFixed(1)} MB after ${leak.smallRequests} requests, ${leak.rssAfterLargeMb.toFixed(1)} MB after ${leak.largeRequests} (${(leak.growth * 100).toFixed(1)}%), peak ${leak.peakRssMb.toFixed(1)} MB, errors ${leak.errors}, non-2xx ${leak.non2xx}.`
    : 'Leak check: not run.';

  console.log('');
  console.log(consoleTable(TABLE_HEADER, rows));
  console.log('');
  for (const line of setup) console.log(line);
  console.log(leakLine);
  console.log('');
  console.log(consoleTable(['Verdict', 'Target', 'Measured'], targetRows));
  for (const note of notes) console.log(`note: ${note}`);

  const machineLine = `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}; autocannon ${machine.autocannon}${machine.nginx ? `; ${machine.nginx}` : ''}`;
  const md = [
    `# Benchmark results${quick ? ' (QUICK: indicative only)' : ''}`,
    '',
    `Run ${machine.date} on ${machineLine}. Commit ${machine.commit ?? 'unknown'}.`,
    '',
    markdownTable(TABLE_HEADER, rows),
    '',
    ...setup.map((line) => `- ${line}`),
    `- ${leakLine}`,
    '',
    '## Targets (issue #7)',
    '',
    markdownTable(['Verdict', 'Target', 'Measured'], targetRows),
    '',
    ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
    `Reproduce: \`npm run bench\` (full, about 8 minutes on a quiet machine) or \`npm run bench -- --quick\` (seconds; writes only bench/results/raw/).`,
    '',
  ].join('\n');
  const json = { machine, options: { ...options, only: options.only ? [...options.only] : undefined, quick, bodyBytes: Buffer.byteLength(BODY) }, summary, targets, leak, notes, runs: results };

  mkdirSync(path.join(RESULTS_DIR, 'raw'), { recursive: true });
  const stamp = machine.date.replace(/[:.]/g, '-');
  const rawBase = path.join(RESULTS_DIR, 'raw', `${quick ? 'quick-' : ''}${stamp}`);
  writeFileSync(`${rawBase}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${rawBase}.md`, md);
  console.log(`\nwrote ${path.relative(ROOT, rawBase)}.{json,md}`);
  if (options.writeLatest) {
    writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
    console.log('wrote bench/results/latest.{json,md}');
  }
}

await main();
