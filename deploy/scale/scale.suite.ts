/**
 * The replicated stack (issue 15): three proxy replicas behind nginx, one mock upstream, run by
 * scripts/scale-test.sh as the compose project SCALE_PROJECT. Every request goes to 127.0.0.1
 * (nginx, the mock and each replica are published there); the count of requests is fixed and every
 * wait is bounded. The mock's journal is the judge: it verified each token with jose.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { headerValues } from '../../contracts/suites/mock-journal.js';
import type { MockEntry } from '../../contracts/suites/mock-journal.js';
import { until } from '../../contracts/testing/wait.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PROJECT = process.env['SCALE_PROJECT'] ?? 'jwt-proxy-test-scale';
const local = (variable: string, fallback: number): URL => new URL(`http://127.0.0.1:${process.env[variable] ?? fallback}`);
const NGINX = local('SCALE_HTTP_PORT', 18090);
const MOCK = local('SCALE_MOCK_PORT', 18091);
const REPLICAS = [1, 2, 3].map((i) => ({ service: `scale-proxy-${i}`, url: local(`SCALE_PROXY_PORT_${i}`, 18091 + i) }));
/** The replica the drain test stops and brings back. */
const VICTIM = REPLICAS.find((r) => r.service === 'scale-proxy-2') ?? assert.fail('scale-proxy-2 is a replica');
/** Marks this run's requests, so the journal query finds only them. */
const RUN = `/scale/${randomUUID().slice(0, 8)}`;

/** Concurrent POSTs in the first burst. */
const N = 60;
/** How long the mock holds each request of the drain test: long enough to be in flight at SIGTERM. */
const HOLD_MS = 2500;
const REQUEST_TIMEOUT_MS = 30_000;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The shared bounded wait; a check that throws (a replica restarting) counts as not yet. */
function waitFor(what: string, check: () => Promise<boolean>, withinMs: number, everyMs = 100): Promise<void> {
  return until(() => check().catch(() => false), what, { timeoutMs: withinMs, intervalMs: everyMs });
}

function compose(...args: string[]): Promise<{ stdout: string }> {
  const base = ['compose', '--ansi', 'never', '-p', PROJECT, '--env-file', '/dev/null', '--profile', 'scale'];
  return run('docker', [...base, ...args], { cwd: REPO, timeout: 120_000 });
}

interface Sent {
  readonly path: string;
  readonly status: number;
}

async function post(path: string, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(new URL(path, NGINX), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ path }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  return { path, status: response.status };
}

/** Sends `count` POSTs to `${prefix}/0..count-1` at once. */
function burst(prefix: string, count: number, headers?: Record<string, string>): Promise<Sent[]> {
  return Promise.all(range(count).map((i) => post(`${prefix}/${i}`, headers)));
}

async function getJson(url: URL): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  assert.equal(response.status, 200, url.href);
  return response.json();
}

/** One replica's own /status: per instance, asked on its own port, never through nginx. */
async function status(replica: (typeof REPLICAS)[number]): Promise<{ requestsProcessed: number; inFlight: number }> {
  return (await getJson(new URL('/status', replica.url))) as { requestsProcessed: number; inFlight: number };
}

/** Sum of one metric's samples (every label set) in a replica's own /metrics. */
async function metricSum(replica: (typeof REPLICAS)[number], name: string): Promise<number> {
  const response = await fetch(new URL('/metrics', replica.url), { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** sum(metric) over the instances, as Prometheus would add them up. */
async function metricOverReplicas(name: string): Promise<number> {
  return (await Promise.all(REPLICAS.map((r) => metricSum(r, name)))).reduce((a, b) => a + b, 0);
}

async function processedByReplica(): Promise<number[]> {
  return Promise.all(REPLICAS.map(async (r) => (await status(r)).requestsProcessed));
}

/**
 * GET /healthz on a connection of its own (no pooled keep-alive connection, whose closing by a
 * draining replica would look like a refusal). False when the replica refuses or resets it.
 */
function healthy(replica: (typeof REPLICAS)[number]): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(new URL('/healthz', replica.url), { agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
      response.on('error', () => resolve(false));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function journal(prefix: string): Promise<MockEntry[]> {
  const url = new URL('/__mock/requests', MOCK);
  url.searchParams.set('path', `${prefix}/`);
  url.searchParams.set('limit', '1000');
  return ((await getJson(url)) as { requests: MockEntry[] }).requests;
}

/** Every request sent arrived once, with a valid token, each with its own jti. */
async function assertRecordedOnceValid(prefix: string, sent: readonly Sent[]): Promise<void> {
  assert.deepEqual(
    sent.filter((s) => s.status !== 200),
    [],
    'every request through nginx succeeded',
  );
  const entries = await journal(prefix);
  assert.deepEqual(entries.map((e) => e.path).sort(), sent.map((s) => s.path).sort(), `${prefix}: each recorded once`);
  const invalid = entries.filter((e) => !e.token.valid).map((e) => `${e.path}: ${e.token.code}`);
  assert.deepEqual(invalid, [], 'every token verified');
  const jtis = new Set(entries.map((e) => e.token.claims?.['jti']));
  assert.equal(jtis.size, sent.length, 'distinct jti');
}

describe('the scale profile: 3 replicas behind nginx', { timeout: 200_000 }, () => {
  it(`records ${N} concurrent signed POSTs valid with ${N} distinct jti, and the replicas' counts add up to ${N}`, async () => {
    const before = await processedByReplica();
    const requestsBefore = await metricOverReplicas('jwt_proxy_requests_total');
    const tokensBefore = await metricOverReplicas('jwt_proxy_tokens_signed_total');
    const sent = await burst(`${RUN}/burst`, N);
    await assertRecordedOnceValid(`${RUN}/burst`, sent);
    // A request is counted when its response closes, which may be just after the client has it.
    const delta = async (): Promise<number[]> => (await processedByReplica()).map((n, i) => n - (before[i] ?? 0));
    const total = async (): Promise<number> => (await delta()).reduce((a, b) => a + b, 0);
    await waitFor('the replicas count every request', async () => (await total()) >= N, 10_000);
    assert.equal(await total(), N);
    // nginx spreads them: every replica took some.
    for (const [i, n] of (await delta()).entries()) assert.ok(n > 0, `${REPLICAS[i]?.service} served ${n}`);
    // What docs/scale.md's Prometheus queries add up: the same counts, from each /metrics.
    assert.equal((await metricOverReplicas('jwt_proxy_requests_total')) - requestsBefore, N);
    assert.equal((await metricOverReplicas('jwt_proxy_tokens_signed_total')) - tokensBefore, N);
  });

  it('passes X-Forwarded-For from nginx, which the proxy keeps and extends (PROXY_TRUST_FORWARDED=true)', async () => {
    const forged = '203.0.113.7';
    const path = `${RUN}/forwarded/0`;
    assert.equal((await post(path, { 'x-forwarded-for': forged })).status, 200);
    const [entry] = await journal(`${RUN}/forwarded`);
    assert.ok(entry);
    const hops = headerValues(entry, 'x-forwarded-for').join(',').split(',').map((s) => s.trim());
    // nginx replaced the client's value with the address it saw; the proxy appended nginx's.
    assert.equal(hops.length, 2, hops.join(', '));
    assert.ok(!hops.includes(forged), 'a client cannot forge the first hop');
    for (const hop of hops) assert.ok(isIP(hop), hop);
    assert.notEqual(hops[0], hops[1]);
  });

  it('loses no request when a replica gets SIGTERM with POSTs in flight: they finish in its drain, new ones go elsewhere', async () => {
    // In flight: the mock holds each of these for HOLD_MS, some on every replica.
    const held = burst(`${RUN}/held`, 24, { 'x-mock-delay-ms': String(HOLD_MS) });
    await waitFor(`${VICTIM.service} has requests in flight`, async () => (await status(VICTIM)).inFlight > 0, 10_000, 20);
    const inFlightAtStop = (await status(VICTIM)).inFlight;
    // `compose stop` sends SIGTERM and waits for the exit (SIGKILL only after 20 s).
    const stopped = compose('stop', '--timeout', '20', VICTIM.service);
    // Once it stops listening, nginx finds its connections refused: nothing was sent, so it moves
    // even these POSTs to another replica.
    await waitFor(`${VICTIM.service} stops accepting`, async () => !(await healthy(VICTIM)), 10_000, 20);
    const during = await burst(`${RUN}/during`, 24);
    await stopped;
    await assertRecordedOnceValid(`${RUN}/held`, await held);
    await assertRecordedOnceValid(`${RUN}/during`, during);

    const { stdout: id } = await compose('ps', '--all', '--quiet', VICTIM.service);
    const { stdout: exitCode } = await run('docker', ['inspect', '--format', '{{.State.ExitCode}}', id.trim()], { timeout: 30_000 });
    assert.equal(exitCode.trim(), '0', 'drained and exited by itself, not killed');
    // Its own log: the held POSTs it had when SIGTERM came were answered 200 after "draining".
    const { stdout: logs } = await compose('logs', '--no-color', '--no-log-prefix', VICTIM.service);
    const lines = logs
      .split('\n')
      .map((line) => line.replaceAll('\x1b[2K', '')) // compose 2.26 writes erase-line escapes even with --ansi never
      .filter((line) => line.startsWith('{')) // Node's own warnings are not JSON
      .map((line) => JSON.parse(line) as { msg?: string; url?: string; status?: number });
    const drainAt = lines.findIndex((l) => l.msg === 'draining');
    assert.ok(drainAt >= 0 && lines.at(-1)?.msg === 'stopped', 'drained, then stopped');
    const finishedInDrain = lines.slice(drainAt).filter((l) => l.msg === 'request' && l.url?.startsWith(`${RUN}/held/`) && l.status === 200);
    assert.ok(finishedInDrain.length >= Math.max(1, inFlightAtStop), `${finishedInDrain.length} held POSTs finished in the drain, ${inFlightAtStop} seen in flight`);
  });

  it('takes traffic through nginx again once the stopped replica is started', async () => {
    await compose('start', VICTIM.service);
    await waitFor(`${VICTIM.service} is back`, () => healthy(VICTIM), 60_000, 250);
    // nginx skipped it while it refused (max_fails=1) and tries it again after fail_timeout (2 s).
    const back: Sent[] = [];
    await waitFor(
      `${VICTIM.service} takes traffic through nginx`,
      async () => {
        back.push(...(await burst(`${RUN}/back/${back.length}`, 6)));
        return (await status(VICTIM)).requestsProcessed > 0;
      },
      30_000,
      250,
    );
    await assertRecordedOnceValid(`${RUN}/back`, back);
  });
});
