import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatReport, parseCliArgs } from '../cli/jwt-proxy-contract.js';
import { MOCK_MAIN, startServer } from '../suites/stack.js';
import { listen } from '../testing/listen.js';
import { runContractCli } from '../testing/run-cli.js';
import type { CliRun } from '../testing/run-cli.js';

const CLI_TIMEOUT_MS = 120_000;

test('parseCliArgs maps the URLs to the suites variables and checks what each side needs', () => {
  const deadlines = { timeoutMs: 60_000, caseTimeoutMs: 30_000 };
  assert.deepEqual(parseCliArgs(['--proxy', 'http://p:1', '--mock', 'http://m:2']), { sides: ['provider', 'consumer'], env: { PROXY_URL: 'http://p:1', MOCK_URL: 'http://m:2' }, ...deadlines });
  assert.deepEqual(parseCliArgs(['--only', 'consumer', '--mock', 'http://m:2', '--mock-strict', 'http://s:3']), {
    sides: ['consumer'],
    env: { MOCK_URL: 'http://m:2', MOCK_STRICT_URL: 'http://s:3' },
    ...deadlines,
  });
  assert.equal(parseCliArgs(['--only', 'provider', '--mock', 'http://m:2']), '--proxy is required for the provider suite (or --only consumer)');
  assert.equal(parseCliArgs(['--proxy', 'http://p:1']), '--mock is required');
  assert.equal(parseCliArgs(['--only', 'both', '--mock', 'http://m:2']), '--only must be provider or consumer, got "both"');
  assert.match(String(parseCliArgs(['--mock', 'm:2', '--only', 'consumer'])), /--mock must be an http\(s\) URL/);
  assert.match(String(parseCliArgs(['--mokc', 'http://m:2'])), /Unknown option '--mokc'/);
  assert.equal(parseCliArgs(['--help']), '');
});

test('formatReport prints a row per case, the failures in full, the skip reasons and the counts', () => {
  const report = formatReport(
    [
      { side: 'provider', name: 'a', outcome: 'pass' },
      { side: 'consumer', name: 'b', outcome: 'fail', detail: 'line 1\nline 2' },
      { side: 'consumer', name: 'c', outcome: 'skip', detail: 'MOCK_STRICT_URL is unset' },
    ],
    '1.2.3',
  );
  assert.equal(
    report,
    [
      'jwt-proxy contract 1.2.3 (contracts/openapi.yaml, token.schema.json, negative-vectors.json)',
      '',
      'RESULT  SIDE      CASE',
      'PASS  provider  a',
      'FAIL  consumer  b',
      'SKIP  consumer  c',
      '',
      'FAIL consumer: b',
      '  line 1',
      '  line 2',
      '',
      'Skipped:',
      '  1 x MOCK_STRICT_URL is unset',
      '',
      '1 passed, 1 failed, 1 skipped',
    ].join('\n'),
  );
});

function runCli(args: readonly string[]): Promise<CliRun> {
  return runContractCli(args, CLI_TIMEOUT_MS);
}

test('the CLI passes the consumer suite against a real mock and prints the table', async (t) => {
  const mock = await startServer({ name: 'mock', script: MOCK_MAIN });
  t.after(() => mock.stop());
  const { code, stdout, stderr } = await runCli(['--only', 'consumer', '--mock', mock.url.origin]);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /^jwt-proxy contract \d+\.\d+\.\d+ /);
  assert.match(stdout, /^PASS {2}consumer {2}mock verdict TOKEN_REPLAYED for vector replayed /m);
  assert.match(stdout, /\n\d+ passed, 0 failed, \d+ skipped\n$/);
  assert.doesNotMatch(stdout, /^FAIL/m);
});

test('the CLI exits 1 with FAIL rows against an upstream that breaks the contract, and 2 on bad usage', async (t) => {
  const impostor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await listen(impostor);
  t.after(() => impostor.close());
  const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  const failing = await runCli(['--only', 'consumer', '--mock', url]);
  assert.equal(failing.code, 1, failing.stdout);
  assert.match(failing.stdout, /^FAIL {2}consumer {2}mock verdict TOKEN_VALID for vector valid /m);
  assert.match(failing.stdout, /differs from contracts\/openapi.yaml/);
  assert.match(failing.stdout, /\n0 passed, \d+ failed, \d+ skipped\n$/);
  const usage = await runCli(['--mock', url]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--proxy is required/);
});
