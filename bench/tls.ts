/**
 * What TLS on the proxy's port costs per request (issue #24; a report, no target): the same
 * build started twice, over HTTP and over HTTPS (TLS_CERT_FILE/TLS_KEY_FILE, a P-256 certificate
 * made by openssl), in front of bench/upstream.ts, driven alternately in short paired rounds by a
 * Node client in this process: signed POSTs on kept-alive connections, and POSTs on a new
 * connection each (so the handshake is paid every time). Reported per configuration: the median
 * over rounds of the proxy's CPU µs per answered request (/proc) and of req/s.
 *
 *   npm run build && node dist/bench/tls.js [--rounds 8] [--seconds 2] [--concurrency 16]
 */
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTlsFixtures } from '../contracts/testing/tls-fixtures.js';
import { BENCH_BODY } from './lib/body.js';
import { cpuSeconds, freePort, startService } from './lib/processes.js';
import type { Service } from './lib/processes.js';
import { benchProxyEnv, readProxyLaunch } from './lib/proxy-launch.js';
import { consoleTable, median } from './lib/report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '16' } },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);

interface Target {
  readonly name: string;
  readonly service: Service;
  readonly request: (options: http.RequestOptions) => http.ClientRequest;
  readonly agent: http.Agent | false;
}

/** Drives `target` with CONCURRENCY loops of POSTs for SECONDS; returns requests answered 200. */
async function drive(target: Target): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  let answered = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = target.request({
        host: '127.0.0.1', port: target.service.port, method: 'POST', path: '/bench', agent: target.agent,
        headers: { 'content-type': 'application/json', 'content-length': BENCH_BODY.length },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) answered += 1;
          resolve();
        });
      });
      req.on('error', reject);
      req.end(BENCH_BODY);
    });
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) await one();
  }));
  return answered;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jwt-bench-tls-'));
  const fixtures = createTlsFixtures(dir);
  const cert = fixtures.server('server');
  const launch = readProxyLaunch(path.join(ROOT, 'Dockerfile.proxy'));
  const upstreamPort = await freePort();
  const upstream = await startService({ name: 'upstream', command: process.execPath, args: [path.join(ROOT, 'dist/bench/upstream.js'), String(upstreamPort)], cpus: undefined, port: upstreamPort, logFile: path.join(dir, 'upstream.log') });
  const proxy = async (name: string, env: Record<string, string>): Promise<Service> => {
    const port = await freePort();
    return startService({
      name, command: process.execPath, args: [...launch.nodeFlags, path.join(ROOT, 'dist/proxy/src/main.js')], cpus: undefined, port,
      env: { ...benchProxyEnv(launch), ...env, HTTP_PORT: String(port), HOST: '127.0.0.1', UPSTREAM_URL: upstream.url, LOG_LEVEL: 'warn' },
      logFile: path.join(dir, `${name}.log`),
    });
  };
  const plain = await proxy('http', {});
  const secure = await proxy('https', { TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile });
  const tlsRequest = (options: http.RequestOptions): http.ClientRequest => https.request({ ...options, ca: fixtures.ca.cert });
  const keepAlive = { keepAlive: true, maxSockets: CONCURRENCY };
  const targets: Target[] = [
    { name: 'HTTP, kept alive', service: plain, request: http.request, agent: new http.Agent(keepAlive) },
    { name: 'HTTPS, kept alive', service: secure, request: tlsRequest, agent: new https.Agent({ ...keepAlive, ca: fixtures.ca.cert }) },
    { name: 'HTTP, new connection each', service: plain, request: http.request, agent: false },
    { name: 'HTTPS, new connection each (full handshake)', service: secure, request: tlsRequest, agent: false },
  ];
  const cpuUs: number[][] = targets.map(() => []);
  const rates: number[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotated each round, so no configuration always runs first (position effects).
    for (let k = 0; k < targets.length; k += 1) {
      const i = (round + k) % targets.length;
      const target = targets[i] as Target;
      const before = cpuSeconds(target.service.pid);
      const answered = await drive(target);
      const cpu = cpuSeconds(target.service.pid) - before;
      cpuUs[i]?.push((cpu * 1e6) / Math.max(1, answered));
      rates[i]?.push(answered / SECONDS);
    }
  }
  const base = (i: number): number => median(cpuUs[i] ?? []);
  const rows = targets.map((target, i) => [
    target.name,
    median(rates[i] ?? []).toFixed(0),
    base(i).toFixed(0),
    i % 2 === 1 ? `+${(base(i) - base(i - 1)).toFixed(0)} µs (${((base(i) / base(i - 1) - 1) * 100).toFixed(0)}%)` : '',
  ]);
  process.stdout.write(`${ROUNDS} rounds x ${SECONDS} s, ${CONCURRENCY} concurrent POSTs of ${BENCH_BODY.length} B, Node ${process.version}, ${os.cpus().length} cores\n`);
  process.stdout.write(consoleTable(['configuration', 'req/s (median)', 'proxy CPU µs/request', 'TLS costs'], rows));
  for (const target of targets) if (target.agent) target.agent.destroy();
  await Promise.all([plain.stop(), secure.stop(), upstream.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

await main();
