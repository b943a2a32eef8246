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
 * consumer*.suite.js). Exit code: 0 all passed, 1 a case failed or the run
 * passed its deadline, 2 bad usage.
 *
 * Deadlines (issue #21, item 10: against a mock that never answers, or streams a
 * body forever, the CLI ran without end):
 *   --timeout S         the whole run; at the deadline the suites' processes are
 *                       killed, the cases done so far are printed, then why, exit 1
 *   --case-timeout S    each case; a case past it fails with that reason and the run
 *                       goes on to the next case
 *   each request        bounded inside the suites (contracts/testing/raw-http.ts:
 *                       time and response size; the profile fetches: 10 s)
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
/** Default of --timeout, seconds: a healthy local stack runs both sides in well under 20 s. */
export const DEFAULT_TIMEOUT_S = 60;
/** Default of --case-timeout, seconds: a case makes a few requests, each bounded at 30 s at most. */
export const DEFAULT_CASE_TIMEOUT_S = 30;
/** Longest deadline accepted: one hour. */
const MAX_TIMEOUT_S = 3_600;
/** How long the suites' processes get to stop once the overall deadline passed, before the CLI stops waiting. */
const STOP_GRACE_MS = 2_000;

export const USAGE = `usage: jwt-proxy-contract --proxy URL --mock URL [--only provider|consumer]
  --proxy URL            the proxy under test (provider suite)
  --mock URL             the upstream under test: the mock or one that implements its /__mock API
  --only SIDE            run only the provider or only the consumer suite (consumer needs no --proxy)
  --proxy-put URL        a proxy with JWT_METHODS=POST,PUT (its cases skip when absent)
  --mock-strict URL      a mock with MOCK_REQUIRE_TOKEN=true (its cases skip when absent)
  --mock-profile URL     a mock with negative-vectors.json's verifier profile: MOCK_KEYS_FILE,
                         MOCK_ISSUER, MOCK_AUDIENCE (the profile vectors skip when absent)
  --mock-from-proxy URL  the upstream as the proxy reaches it, for forward mode (default: --mock)
  --timeout S            give up on the whole run after S seconds, exit 1 (default ${DEFAULT_TIMEOUT_S})
  --case-timeout S       fail one case after S seconds and go on (default ${DEFAULT_CASE_TIMEOUT_S})
The token settings come from JWT_SECRET, JWT_SECRET_ENCODING, JWT_HEADER, JWT_USER,
MOCK_MAX_AGE_S and MOCK_CLOCK_SKEW_S, as for the servers.`;

export interface CliOptions {
  readonly sides: readonly Side[];
  /** --timeout, in ms. */
  readonly timeoutMs: number;
  /** --case-timeout, in ms, never more than timeoutMs. */
  readonly caseTimeoutMs: number;
  /** Environment the suites read. */
  readonly env: Readonly<Record<string, string>>;
}

const URL_OPTIONS = { proxy: 'PROXY_URL', mock: 'MOCK_URL', 'proxy-put': 'PROXY_PUT_URL', 'mock-strict': 'MOCK_STRICT_URL', 'mock-profile': 'MOCK_PROFILE_URL', 'mock-from-proxy': 'MOCK_URL_FROM_PROXY' } as const;

/** Parses the arguments; a string is the usage problem. */
export function parseCliArgs(argv: readonly string[]): CliOptions | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries([...Object.keys(URL_OPTIONS), 'only', 'timeout', 'case-timeout'].map((name) => [name, { type: 'string' as const }]));
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
  const timeoutS = seconds(values.timeout, 'timeout', DEFAULT_TIMEOUT_S);
  if (typeof timeoutS === 'string') return timeoutS;
  const caseTimeoutS = seconds(values['case-timeout'], 'case-timeout', DEFAULT_CASE_TIMEOUT_S);
  if (typeof caseTimeoutS === 'string') return caseTimeoutS;
  return { sides, env, timeoutMs: timeoutS * 1000, caseTimeoutMs: Math.min(caseTimeoutS, timeoutS) * 1000 };
}

/** A deadline option in seconds (decimals allowed), or its usage problem. */
function seconds(value: string | boolean | undefined, option: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed > 0 && parsed <= MAX_TIMEOUT_S)) return `--${option} must be seconds, more than 0 and at most ${MAX_TIMEOUT_S}, e.g. --${option} ${fallback}, got ${JSON.stringify(value)}`;
  return parsed;
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

/** What a run is held to, and where it got to (for the deadline's message). */
interface RunLimits {
  readonly deadline: AbortSignal;
  readonly caseTimeoutMs: number;
  /** The top-level case started last, with its side. */
  current: string | undefined;
}

function errorText(error: unknown, limits: RunLimits): string {
  if ((error as { failureType?: unknown } | null)?.failureType === 'testTimeoutFailure') {
    return `no result within the ${limits.caseTimeoutMs / 1000} s case deadline (--case-timeout): the stack under test did not answer in time`;
  }
  // node:test wraps the case's error: the cause is what the case threw.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Resolves when `work` does, or STOP_GRACE_MS after the deadline, whichever comes first. */
function untilDoneOrDeadline(work: Promise<void>, deadline: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<void>((resolve) => {
    const grace = (): void => void (timer = setTimeout(resolve, STOP_GRACE_MS).unref());
    if (deadline.aborted) grace();
    else deadline.addEventListener('abort', grace, { once: true });
  });
  return Promise.race([work, stopped]).finally(() => clearTimeout(timer));
}

/** Runs one side's suites and collects a row per top-level case; stops at the deadline. */
async function runSide(side: Side, limits: RunLimits): Promise<CaseResult[]> {
  const files = suiteFiles(side);
  if (files.length === 0) return [{ side, name: `no ${side}*.suite.js in ${fileURLToPath(SUITES_DIR)}`, outcome: 'fail' }];
  const results: CaseResult[] = [];
  // node:test kills a suite's process when the signal aborts (the overall deadline) and fails a case past `timeout`.
  const stream = run({ files, concurrency: 1, timeout: limits.caseTimeoutMs, signal: limits.deadline });
  const consume = async (): Promise<void> => {
    for await (const event of stream) {
      if (limits.deadline.aborted) return;
      const data = event.data as TestEventData;
      // Dequeued is when a case starts running; test:start comes only once it has ended.
      if (event.type === 'test:dequeue' && data.nesting === 0 && !files.includes(data.name)) limits.current = `${side}: ${data.name}`;
      if ((event.type !== 'test:pass' && event.type !== 'test:fail') || data.nesting !== 0) continue;
      if (data.skip !== undefined && data.skip !== false) results.push({ side, name: data.name, outcome: 'skip', detail: String(data.skip) });
      else if (event.type === 'test:pass') results.push({ side, name: data.name, outcome: 'pass' });
      else results.push({ side, name: data.name, outcome: 'fail', detail: errorText(data.details?.error, limits) });
    }
  };
  await untilDoneOrDeadline(consume(), limits.deadline);
  return results;
}

/** The overall deadline's message: how far the run got and what it was waiting for. */
export function deadlineMessage(timeoutMs: number, finished: number, current: string | undefined): string {
  return (
    `jwt-proxy-contract: gave up at the ${timeoutMs / 1000} s deadline (--timeout)` +
    `${current === undefined ? '' : ` while running "${current}"`}: the stack under test did not answer in time; ` +
    `${finished} case(s) finished, the rest did not run`
  );
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
  const limits: RunLimits = { deadline: AbortSignal.timeout(options.timeoutMs), caseTimeoutMs: options.caseTimeoutMs, current: undefined };
  const results: CaseResult[] = [];
  for (const side of options.sides) {
    if (limits.deadline.aborted) break;
    results.push(...(await runSide(side, limits)));
  }
  console.log(formatReport(results, OpenApiContract.load().version));
  if (limits.deadline.aborted) {
    console.error(deadlineMessage(options.timeoutMs, results.length, limits.current));
    return 1;
  }
  return results.some((r) => r.outcome === 'fail') || results.length === 0 ? 1 : 0;
}
