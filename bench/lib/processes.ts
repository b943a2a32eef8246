/**
 * Child processes of the benchmark: start a server pinned to CPUs, wait until
 * it accepts connections, sample its memory and CPU, stop it. Every server is
 * a separate process so the load generator, the proxy and the upstream never
 * share an event loop (issue #7).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Absolute path of an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const TASKSET = process.platform === 'linux' ? which('taskset') : undefined;

/** Prefixes a command with `taskset -c <cpus>` when taskset exists (it execs, so the pid is the command's). */
export function pinned(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  if (cpus !== undefined && TASKSET !== undefined) return [TASKSET, ['-c', cpus, command, ...args]];
  return [command, [...args]];
}

/** A free TCP port on loopback (tiny race between close and reuse; fine for a benchmark). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** CPU list for taskset, e.g. "1" or "0,1"; undefined = not pinned. */
  readonly cpus: string | undefined;
  readonly port: number;
  /** stdout and stderr go here: a proxy logging at info writes its lines to a file, as in production. */
  readonly logFile: string;
  readonly readyTimeoutMs?: number;
}

export interface Service {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  /** The process and its direct children (cluster workers, nginx workers). */
  pids(): number[];
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Ctrl-C or a kill of the bench stops every server it started (a cluster primary and nginx
// stop their own workers on SIGTERM), instead of leaving them listening.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGTERM');
    setTimeout(() => process.exit(130), 1500).unref();
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Starts a server and resolves once its port accepts TCP connections. */
export async function startService(spec: ServiceSpec): Promise<Service> {
  const fd = openSync(spec.logFile, 'a');
  const [command, args] = pinned(spec.cpus, spec.command, spec.args);
  const child = spawn(command, args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  running.add(child);
  child.once('exit', () => running.delete(child));
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${spec.name} exited (${child.exitCode ?? child.signalCode}) before listening:\n${tail(spec.logFile)}`);
    }
    if (await canConnect(spec.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not listen on ${spec.port} within the timeout:\n${tail(spec.logFile)}`);
    }
    await delay(25);
  }
  const pid = child.pid ?? 0;
  return {
    name: spec.name,
    pid,
    port: spec.port,
    url: `http://127.0.0.1:${spec.port}`,
    logFile: spec.logFile,
    pids: () => [pid, ...childrenOf(pid)],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** Direct children of a process, from /proc (Linux); empty elsewhere. */
export function childrenOf(pid: number): number[] {
  const taskDir = `/proc/${pid}/task`;
  if (!existsSync(taskDir)) return [];
  const children: number[] = [];
  try {
    for (const task of readdirSync(taskDir)) {
      const text = readFileSync(`${taskDir}/${task}/children`, 'utf8').trim();
      if (text !== '') children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // the process is exiting
  }
  return children;
}

/** Resident set size in KiB: /proc/<pid>/status VmRSS on Linux, `ps` elsewhere; 0 when gone. */
export function rssKb(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync('/proc/self/status')) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(status, 'utf8'));
      return match?.[1] === undefined ? 0 : Number(match[1]);
    } catch {
      return 0;
    }
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) in seconds from /proc/<pid>/stat; 0 when unavailable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface Sampling {
  /** Peak of the summed RSS of every sampled process, in MiB. */
  readonly peakRssMb: number;
  /** CPU used by the sampled processes over the window, in % of one core. */
  readonly cpuPercent: number;
  /** The same CPU in seconds (user + system). */
  readonly cpuSeconds: number;
}

/** Samples summed RSS every `intervalMs` (issue #7: ~200 ms) and CPU use over the window. */
export function sample(pids: () => number[], intervalMs = 200): { stop(): Sampling } {
  let peakKb = 0;
  const startedAt = process.hrtime.bigint();
  const cpuAtStart = new Map<number, number>();
  const take = (): number[] => {
    const list = pids();
    peakKb = Math.max(peakKb, list.reduce((sum, pid) => sum + rssKb(pid), 0));
    for (const pid of list) if (!cpuAtStart.has(pid)) cpuAtStart.set(pid, cpuSeconds(pid));
    return list;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const list = take();
      const wallS = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const cpu = list.reduce((sum, pid) => sum + cpuSeconds(pid) - (cpuAtStart.get(pid) ?? 0), 0);
      return { peakRssMb: peakKb / 1024, cpuPercent: wallS > 0 ? (100 * cpu) / wallS : 0, cpuSeconds: cpu };
    },
  };
}

function readProcTicks(file: string, fromField: number, count: number): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let sum = 0;
    for (let i = fromField; i < fromField + count; i++) sum += Number(fields[i] ?? 0);
    return sum;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine (all cores) from /proc/stat: everything but idle and iowait. */
function systemBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
    return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU that processes outside the bench used during a window, in % of one core.
 * Machine busy time minus this process, its reaped children (the load
 * generator: taskset execs, so autocannon's time lands in our cutime/cstime)
 * and every server we started. The bench machine may be shared; this says how
 * much a run was disturbed.
 */
export function foreignCpu(ourPids: () => number[]): { stop(): number } {
  const ours = () =>
    readProcTicks('/proc/self/stat', 11, 4) / CLOCK_TICKS + ourPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const startedAt = process.hrtime.bigint();
  const busyAtStart = systemBusySeconds();
  const oursAtStart = ours();
  return {
    stop() {
      const wallS = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const foreign = systemBusySeconds() - busyAtStart - (ours() - oursAtStart);
      return wallS > 0 && Number.isFinite(foreign) ? Math.max(0, (100 * foreign) / wallS) : Number.NaN;
    },
  };
}
