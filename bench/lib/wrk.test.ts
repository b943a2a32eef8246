import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { endCountedRun, parseWrkOutput, runWrk, WRK_SCRIPT, wrkArgs } from './wrk.js';
import { until } from '../../contracts/testing/wait.js';
import { which } from './processes.js';

const SAMPLE = [
  'Running 6s test @ http://127.0.0.1:1/x',
  'WRK_RESULT {"durationUs":2000000,"requests":5000,"bytes":1,"connect":1,"read":2,"write":3,"status":4,"timeout":5,"p50Us":1500,"p90Us":2000,"p99Us":7250,"p999Us":9000,"maxUs":12000,"meanUs":1600.0}',
  '',
].join('\n');

test('parseWrkOutput turns the WRK_RESULT line into req/s, ms latencies and summed socket errors', () => {
  assert.deepEqual(parseWrkOutput(SAMPLE), {
    generator: 'wrk',
    rps: 2500,
    p50Ms: 1.5,
    p99Ms: 7.25,
    p999Ms: 9,
    maxMs: 12,
    requests: 5000,
    warmupRequests: 0,
    errors: 6,
    timeouts: 5,
    badStatus: 4,
    durationS: 2,
  });
});

test('parseWrkOutput throws, quoting the output, given output without a WRK_RESULT line', () => {
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n'), /no WRK_RESULT line:\nunable to connect/);
});

test('wrkArgs runs one thread for the duration, with method, body and count after --', () => {
  assert.deepEqual(wrkArgs({ generator: 'wrk', url: 'http://h/p', method: 'POST', body: '{}', connections: 64, durationS: 6, cpus: '0' }), [
    '-t1', '-c64', '-d6s', '--timeout', '10s', '-s', WRK_SCRIPT, 'http://h/p', '--', 'POST', '{}', '0',
  ]);
});

test('wrkArgs sends each extra header line with -H before the URL', () => {
  const args = wrkArgs({ generator: 'wrk', url: 'http://h/p', method: 'POST', headers: ['authorization: Basic eDp5', 'x-a: 1'], connections: 4, durationS: 2, cpus: '0' });
  assert.deepEqual(args.slice(5, 13), ['-s', WRK_SCRIPT, '-H', 'authorization: Basic eDp5', '-H', 'x-a: 1', 'http://h/p', '--']);
});

test('wrkArgs gives a counted run a bounded duration it ends early', () => {
  const args = wrkArgs({ generator: 'wrk', url: 'http://h/p', method: 'GET', connections: 8, amount: 200_000, cpus: undefined });
  assert.equal(args[2], '-d1000s');
  assert.deepEqual(args.slice(-3), ['GET', '', '200000']);
});

test('endCountedRun repeats SIGINT until wrk exits, then stops (a SIGINT before wrk installs its handler is lost)', async () => {
  const kills: string[] = [];
  const child = Object.assign(new EventEmitter(), {
    // Like wrk before its handler is installed: the first SIGINT does nothing.
    kill: (signal: string) => {
      kills.push(signal);
      if (kills.length === 2) child.emit('exit', 0, null);
      return true;
    },
  });
  assert.equal(endCountedRun(child as never, 1), true);
  await until(() => kills.length >= 2, 'the repeated SIGINT');
  // The exit cleared the repetition: the count cannot grow past the SIGINT that ended it.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(kills, ['SIGINT', 'SIGINT']);
});

/** A server that records each request's method, content type and body. */
async function recordingServer() {
  const seen: { method: string; type: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', type: req.headers['content-type'], body });
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench` };
}

test('runWrk sends the script\'s POST with its JSON body and stops a counted run at the count', { skip: which('wrk') === undefined && 'wrk not installed (apt-get install wrk)', timeout: 60_000 }, async () => {
  const { seen, server, url } = await recordingServer();
  try {
    const result = await runWrk({ generator: 'wrk', url, method: 'POST', body: '{"a":1}', connections: 2, amount: 50, cpus: undefined });
    assert.ok(result.requests >= 50, `answered ${result.requests}`);
    assert.equal(result.errors + result.timeouts + result.badStatus, 0);
    assert.ok(seen.length >= 50);
    assert.deepEqual(seen[0], { method: 'POST', type: 'application/json', body: '{"a":1}' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('runWrk sends GETs without a body', { skip: which('wrk') === undefined && 'wrk not installed (apt-get install wrk)', timeout: 30_000 }, async () => {
  const { seen, server, url } = await recordingServer();
  try {
    await runWrk({ generator: 'wrk', url, method: 'GET', connections: 1, amount: 3, cpus: undefined });
    assert.deepEqual(seen[0], { method: 'GET', type: undefined, body: '' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
