/**
 * The contract CLI (issue 14): runs the provider and consumer suites against
 * any running stack and prints one pass/fail row per case.
 *
 *   npx jwt-proxy-contract --proxy URL --mock URL [--only provider|consumer]
 *
 * The suites read the stack from the environment (contracts/suites/stack.ts),
 * so this sets PROXY_URL, MOCK_URL and the optional addresses, then runs the
 * compiled suite files with node:test's run(), one file at a time. A suite
 * belongs to the side its file name starts with (provider*.suite.js,
 * consumer*.suite.js). Exit code: 0 all passed, 1 a case failed, 2 bad usage.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { parseArgs } from 'node:util';
import { OpenApiContract } from '../testing/openapi-contract.js';

export const SIDES = ['provider', 'consumer'] as const;
export type Side = (typeof SIDES)[number];

/** The compiled suites, next to this file's folder in dist/contracts. */
const SUITES_DIR = new URL('../suites/', import.meta.url);
/** One case may wait on a slow upstream; none of ours takes more than seconds. */
const CASE_TIMEOUT_MS = 120_000;

export const USAGE = `usage: jwt-proxy-contract --proxy URL --mock URL [--only provider|consumer]
  --proxy URL            the proxy under test (provider suite)
  --mock URL             the upstream under test: the mock or one that implements its /__mock API
  --only SIDE            run only the provider or only the consumer suite (consumer needs no --proxy)
  --proxy-put URL        a proxy with JWT_METHODS=POST,PUT (its cases skip when absent)
  --mock-strict URL      a mock with MOCK_REQUIRE_TOKEN=true (its cases skip when absent)
  --mock-profile URL     a mock with negative-vectors.json's verifier profile: MOCK_KEYS_FILE,
                         MOCK_ISSUER, MOCK_AUDIENCE (the profile vectors skip when absent)
  --mock-from-proxy URL  the upstream as the proxy reaches it, for forward mode (default: --mock)
The token settings come from JWT_SECRET, JWT_SECRET_ENCODING, JWT_HEADER, JWT_USER,
MOCK_MAX_AGE_S and MOCK_CLOCK_SKEW_S, as for the servers.`;

export interface CliOptions {
  readonly sides: readonly Side[];
  /** Environment the suites read. */
  readonly env: Readonly<Record<string, string>>;
}

const URL_OPTIONS = { proxy: 'PROXY_URL', mock: 'MOCK_URL', 'proxy-put': 'PROXY_PUT_URL', 'mock-strict': 'MOCK_STRICT_URL', 'mock-profile': 'MOCK_PROFILE_URL', 'mock-from-proxy': 'MOCK_URL_FROM_PROXY' } as const;

/** Parses the arguments; a string is the usage problem. */
export function parseCliArgs(argv: readonly string[]): CliOptions | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries([...Object.keys(URL_OPTIONS), 'only'].map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help === true) return '';
  const only = values.only;
  if (only !== undefined && !SIDES.includes(only as Side)) return `--only must be provider or consumer, got ${JSON.stringify(only)}`;
  const sides = only === undefined ? SIDES : [only as Side];
  const env: Record<string, string> = {};
  for (const [option, variable] of Object.entries(URL_OPTIONS)) {
    const value = values[option];
    if (typeof value !== 'string') continue;
    if (!/^https?:\/\/[^/]+/.test(value)) return `--${option} must be an http(s) URL, e.g. --${option} http://127.0.0.1:8080, got ${JSON.stringify(value)}`;
    env[variable] = value;
  }
  if (env.MOCK_URL === undefined) return '--mock is required';
  if (sides.includes('provider') && env.PROXY_URL === undefined) return '--proxy is required for the provider suite (or --only consumer)';
  return { sides, env };
}

export interface CaseResult {
  readonly side: Side;
  readonly name: string;
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly detail?: string;
}

/** The pass/fail table: one row per case, then the failures' details and a count. */
export function formatReport(results: readonly CaseResult[], contractVersion: string): string {
  const label = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;
  const rows = results.map((r) => `${label[r.outcome]}  ${r.side.padEnd(8)}  ${r.name}`);
  const failures = results.filter((r) => r.outcome === 'fail');
  const count = (outcome: CaseResult['outcome']): number => results.filter((r) => r.outcome === outcome).length;
  return [
    `jwt-proxy contract ${contractVersion} (contracts/openapi.yaml, token.schema.json, negative-vectors.json)`,
    '',
    `RESULT  SIDE      CASE`,
    ...rows,
    ...failures.flatMap((r) => ['', `FAIL ${r.side}: ${r.name}`, ...(r.detail ?? '').split('\n').map((line) => `  ${line}`)]),
    ...skipReasons(results),
    '',
    `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`,
  ].join('\n');
}

/** Why cases were skipped, one line per reason with its count. */
function skipReasons(results: readonly CaseResult[]): string[] {
  const reasons = new Map<string, number>();
  for (const r of results) if (r.outcome === 'skip') reasons.set(r.detail ?? '', (reasons.get(r.detail ?? '') ?? 0) + 1);
  return reasons.size === 0 ? [] : ['', 'Skipped:', ...[...reasons].map(([reason, n]) => `  ${n} x ${reason}`)];
}

function suiteFiles(side: Side): string[] {
  return readdirSync(SUITES_DIR)
    .filter((name) => name.startsWith(side) && name.endsWith('.suite.js'))
    .sort()
    .map((name) => fileURLToPath(new URL(name, SUITES_DIR)));
}

interface TestEventData {
  readonly name: string;
  readonly nesting: number;
  readonly skip?: boolean | string;
  readonly todo?: boolean | string;
  readonly details?: { readonly error?: unknown };
}

function errorText(error: unknown): string {
  // node:test wraps the case's error: the cause is what the case threw.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Runs one side's suites and collects a row per top-level case. */
async function runSide(side: Side): Promise<CaseResult[]> {
  const files = suiteFiles(side);
  if (files.length === 0) return [{ side, name: `no ${side}*.suite.js in ${fileURLToPath(SUITES_DIR)}`, outcome: 'fail' }];
  const results: CaseResult[] = [];
  const stream = run({ files, concurrency: 1, timeout: CASE_TIMEOUT_MS });
  for await (const event of stream) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data as TestEventData;
    if (data.nesting !== 0) continue;
    if (data.skip !== undefined && data.skip !== false) results.push({ side, name: data.name, outcome: 'skip', detail: String(data.skip) });
    else if (event.type === 'test:pass') results.push({ side, name: data.name, outcome: 'pass' });
    else results.push({ side, name: data.name, outcome: 'fail', detail: errorText(data.details?.error) });
  }
  return results;
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseCliArgs(argv);
  if (typeof options === 'string') {
    console.error(options === '' ? USAGE : `jwt-proxy-contract: ${options}\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  // The suites decide native or external mode from these; clear what was not given.
  for (const variable of Object.values(URL_OPTIONS)) Reflect.deleteProperty(process.env, variable);
  // Started from inside a node:test run, the suites would report to that run instead of to ours.
  delete process.env.NODE_TEST_CONTEXT;
  Object.assign(process.env, options.env);
  const results: CaseResult[] = [];
  for (const side of options.sides) results.push(...(await runSide(side)));
  console.log(formatReport(results, OpenApiContract.load().version));
  return results.some((r) => r.outcome === 'fail') || results.length === 0 ? 1 : 0;
}
