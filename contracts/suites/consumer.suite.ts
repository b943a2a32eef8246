/**
 * Consumer suite (issue #4): the mock upstream's checks are real. Tokens are
 * crafted here with node:crypto (never with either server's code), sent
 * straight to the mock, and the verdict code the contract names is expected
 * in the echo and in the journal; a mock with MOCK_REQUIRE_TOKEN=true must
 * answer each invalid one with 401 and that code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClaims } from '../src/token-contract.js';
import type { VerdictCode } from '../src/verdict.js';
import { DEFAULT_JWT_SECRET, decodeSecret } from '../src/token-config.js';
import { craftToken, type CraftTokenOptions } from '../testing/craft-token.js';
import { loadNegativeVectors, profileJwkSet, renderToken, vectorKeys, type NegativeVector } from '../testing/negative-vectors.js';
import { describeRequest, sendRaw, type HeaderLine, type RawRequest, type RawResponse } from '../testing/raw-http.js';
import { CASE_ID_HEADER, describeEntry, findRecorded, type MockEntry } from './mock-journal.js';
import { startStack, type Stack } from './stack.js';
import { readMockWindows, readSuiteTokenConfig } from './suite-config.js';

const tokenConfig = readSuiteTokenConfig();
const TOKEN = tokenConfig.header;
const KEY = tokenConfig.key;
const windows = readMockWindows();

const vectorFile = loadNegativeVectors();
const profileNames = Object.keys(vectorFile.profiles);
if (profileNames.length > 1) throw new Error(`the consumer suite starts one profile mock; negative-vectors.json names ${profileNames.join(', ')}`);
const PROFILE = profileNames[0];
const PROFILE_MOCK_NEEDS = PROFILE === undefined ? '' : `a mock started with MOCK_KEYS_FILE (the JWK Set of negative-vectors.json's ${PROFILE} keys), MOCK_ISSUER=${vectorFile.profiles[PROFILE]?.issuer} and MOCK_AUDIENCE=${vectorFile.profiles[PROFILE]?.audience}`;

let stack: Stack;
let keysDir: string | undefined;
before(async () => {
  let profileMock: Record<string, string> | undefined;
  if (PROFILE !== undefined) {
    keysDir = mkdtempSync(join(tmpdir(), 'jwt-proxy-vectors-'));
    const keysFile = join(keysDir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(profileJwkSet(vectorFile, PROFILE)));
    const profile = vectorFile.profiles[PROFILE]!;
    profileMock = { MOCK_KEYS_FILE: keysFile, MOCK_ISSUER: profile.issuer, MOCK_AUDIENCE: profile.audience };
  }
  stack = await startStack({ strictMock: true, ...(profileMock !== undefined && { profileMock }) });
});
after(async () => {
  await stack?.stop();
  if (keysDir !== undefined) rmSync(keysDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Token factories. Each call makes a fresh token (fresh jti), so a case can
// be sent to the plain and the strict mock without tripping replay detection.

const nowS = (): number => Math.floor(Date.now() / 1000);
const jti = (): string => randomUUID();
const claimsAt = (iat: number, user = tokenConfig.user): Record<string, unknown> => ({ ...buildClaims(iat * 1000, jti(), user) });
const sign = (claims: object | string, options: Partial<CraftTokenOptions> = {}): string => craftToken({ claims, key: KEY, ...options });
const valid = (): string => sign(claimsAt(nowS()));

/** The same secret decoded under the other encoding (utf8 <-> hex), or why it cannot be. */
function otherEncodingKey(): Buffer | string {
  const other = tokenConfig.secretEncoding === 'hex' ? 'utf8' : 'hex';
  const secret = process.env.JWT_SECRET?.trim() || undefined;
  const decoded = decodeSecret(secret ?? DEFAULT_JWT_SECRET, other);
  return 'key' in decoded ? decoded.key : `the configured secret does not decode under ${other}: ${decoded.problem}`;
}

/** One request of a case: its token header lines (exact names and values) and the verdict it must get. */
interface Step {
  readonly headers: HeaderLine[];
  readonly expected: VerdictCode;
}

interface ConsumerCase {
  readonly title: string;
  /** The verdict of the last step, checked in the echo and the journal; earlier steps are checked in the echo. */
  readonly expected: VerdictCode;
  /** The requests in order, fresh on each call (fresh jtis). A string means the case cannot run (skip reason). */
  steps(): Step[] | string;
  readonly method?: string;
  /** Sent to the mock with the vectors' verifier profile (MOCK_PROFILE_URL) instead of the default one. */
  readonly profile?: boolean;
}

/** A case of one request, written here; the negative vectors (below) add the rest. */
interface SingleCase {
  readonly title: string;
  readonly expected: VerdictCode;
  headers(): HeaderLine[] | string;
}

const single = (c: SingleCase): ConsumerCase => ({
  title: c.title,
  expected: c.expected,
  steps: () => {
    const headers = c.headers();
    return typeof headers === 'string' ? headers : [{ headers, expected: c.expected }];
  },
});

const tokenLine = (token: string): HeaderLine[] => [[TOKEN, token]];
const oneToken = (make: () => string): (() => HeaderLine[]) => () => tokenLine(make());

const handCases: SingleCase[] = [
  {
    title: 'a valid token in a header name of different casing',
    expected: 'TOKEN_VALID',
    headers: () => [[TOKEN.toUpperCase(), valid()]],
  },
  {
    title: `a valid token ${Math.max(windows.maxAgeS - 15, 0)} s old (inside MOCK_MAX_AGE_S)`,
    expected: 'TOKEN_VALID',
    headers: oneToken(() => sign(claimsAt(nowS() - Math.max(windows.maxAgeS - 15, 0)))),
  },
  {
    title: `a valid token ${Math.floor(windows.skewS / 2)} s in the future (inside MOCK_CLOCK_SKEW_S)`,
    expected: 'TOKEN_VALID',
    headers: oneToken(() => sign(claimsAt(nowS() + Math.floor(windows.skewS / 2)))),
  },
  {
    title: `a stale token (iat ${windows.maxAgeS + 120} s ago, beyond MOCK_MAX_AGE_S)`,
    expected: 'TOKEN_STALE',
    headers: oneToken(() => sign(claimsAt(nowS() - windows.maxAgeS - 120))),
  },
  {
    title: `a token from the future (iat ${windows.skewS + 120} s ahead, beyond MOCK_CLOCK_SKEW_S)`,
    expected: 'TOKEN_FROM_FUTURE',
    headers: oneToken(() => sign(claimsAt(nowS() + windows.skewS + 120))),
  },
];

// ---------------------------------------------------------------------------
// The negative vectors (contracts/negative-vectors.json), made afresh for the
// mock's clock: the same parts, moved to now, with fresh jtis, signed with the
// configured secret (contracts/testing/negative-vectors.ts says how).

const sameWindows = vectorFile.clock.maxAgeS === windows.maxAgeS && vectorFile.clock.clockSkewS === windows.skewS;

function vectorCase(vector: NegativeVector): ConsumerCase {
  const last = vector.steps.at(-1);
  return {
    title: `vector ${vector.name} (${vector.description})`,
    expected: last?.expected ?? 'TOKEN_VALID',
    profile: vector.profile !== undefined,
    steps: () => {
      if (vector.dependsOnWindows && !sameWindows) {
        return `the vector assumes MOCK_MAX_AGE_S=${vectorFile.clock.maxAgeS} and MOCK_CLOCK_SKEW_S=${vectorFile.clock.clockSkewS}`;
      }
      const otherEncoding = otherEncodingKey();
      const uses = Object.values(vector.tokens).map((spec) => spec.key);
      if (typeof otherEncoding === 'string' && uses.includes('contract-as-hex')) return otherEncoding;
      const keys = { ...vectorKeys(vectorFile), contract: KEY, ...(typeof otherEncoding !== 'string' && { 'contract-as-hex': otherEncoding }) };
      const fresh = new Map<string, string>();
      const jtiFor = (fixed: string): string => {
        if (!fresh.has(fixed)) fresh.set(fixed, randomBytes(fixed.length).toString('base64url').slice(0, fixed.length));
        return fresh.get(fixed)!;
      };
      const options = { keys, shiftS: nowS() - vectorFile.clock.now, jti: jtiFor };
      const tokens = new Map(Object.entries(vector.tokens).map(([name, spec]) => [name, renderToken(spec, options)]));
      return vector.steps.map((step) => ({ headers: step.send.map((name): HeaderLine => [TOKEN, tokens.get(name) ?? '']), expected: step.expected }));
    },
  };
}

const cases: ConsumerCase[] = [...handCases.map(single), ...vectorFile.cases.map(vectorCase)];

// ---------------------------------------------------------------------------
// The runner.

let caseNumber = 0;

interface Exchange {
  readonly origin: URL;
  readonly request: RawRequest;
  readonly response: RawResponse;
  readonly marker: string;
}

async function send(origin: URL, method: string, headers: readonly HeaderLine[], label: string): Promise<Exchange> {
  caseNumber += 1;
  const marker = `k${String(caseNumber).padStart(2, '0')}-${label}-${randomBytes(6).toString('hex')}`;
  const body = method === 'GET' ? undefined : Buffer.from(`{"case":"${marker}"}`);
  const request: RawRequest = {
    method,
    target: `/cc/${marker}/verify`,
    headers: [...headers, ['Content-Type', 'application/json'], [CASE_ID_HEADER, marker]],
    ...(body === undefined ? {} : { body }),
  };
  return { origin, request, response: await sendRaw(origin, request), marker };
}

function parseBody(response: RawResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function verdictOf(value: unknown): { present?: unknown; valid?: unknown; code?: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const token = (value as { token?: unknown }).token;
  return typeof token === 'object' && token !== null ? (token as { present?: unknown; valid?: unknown; code?: unknown }) : undefined;
}

/** What a correct echo/journal entry says for this case; returns the broken points. */
function judge(where: string, value: unknown, expected: VerdictCode, replay: boolean): string[] {
  const verdict = verdictOf(value);
  if (verdict === undefined) return [`${where} has no token verdict object`];
  const problems: string[] = [];
  if (verdict.code !== expected) problems.push(`${where} token.code is ${JSON.stringify(verdict.code)}`);
  if (verdict.valid !== (expected === 'TOKEN_VALID')) problems.push(`${where} token.valid is ${JSON.stringify(verdict.valid)}`);
  if (verdict.present !== (expected !== 'TOKEN_MISSING')) problems.push(`${where} token.present is ${JSON.stringify(verdict.present)}`);
  const replayed = (value as { replayed?: unknown }).replayed;
  if (expected === 'TOKEN_REPLAYED' && replayed !== true) problems.push(`${where} replayed is ${JSON.stringify(replayed)}`);
  if (expected === 'TOKEN_VALID' && !replay && replayed !== false) problems.push(`${where} replayed is ${JSON.stringify(replayed)}`);
  return problems;
}

function report(title: string, exchange: Exchange, expectation: string, problems: string[], recorded: string): string {
  const text = exchange.response.body.toString('utf8');
  return [
    `Case: ${title}`,
    'Request:',
    describeRequest(exchange.origin, exchange.request),
    `The contract expects: ${expectation}`,
    'Broken:',
    ...problems.map((p) => `  ✗ ${p}`),
    `The mock answered: ${exchange.response.status} ${text.length > 1500 ? `${text.slice(0, 1500)}…` : text}`,
    'The mock recorded:',
    recorded,
  ].join('\n');
}

for (const consumerCase of cases) {
  test(`mock verdict ${consumerCase.expected} for ${consumerCase.title}, in the echo and the journal`, async (t) => {
    const mockUrl = consumerCase.profile ? stack.mockProfileUrl : stack.mockUrl;
    if (mockUrl === undefined) {
      t.skip(`MOCK_PROFILE_URL is unset: point it at ${PROFILE_MOCK_NEEDS} to run this case`);
      return;
    }
    const steps = consumerCase.steps();
    if (typeof steps === 'string') {
      t.skip(steps);
      return;
    }
    const method = consumerCase.method ?? 'POST';
    const last = steps.length - 1;
    for (const [index, step] of steps.entries()) {
      const exchange = await send(mockUrl, method, step.headers, index === last ? 'plain' : `step${index + 1}`);
      const problems: string[] = [];
      if (exchange.response.status !== 200) problems.push(`status ${exchange.response.status}, expected 200 (MOCK_REQUIRE_TOKEN unset)`);
      problems.push(...judge(index === last ? 'echo' : `step ${index + 1} echo`, parseBody(exchange.response), step.expected, false));
      // Earlier steps set the stage (a first use before a replay); the last one is also read back from the journal.
      let entry: MockEntry | undefined;
      if (index === last) {
        const entries = await findRecorded(mockUrl, exchange.marker, `/cc/${exchange.marker}`);
        if (entries.length !== 1) problems.push(`${entries.length} journal entries carry ${CASE_ID_HEADER}: ${exchange.marker}, expected 1`);
        entry = entries[0];
        if (entry !== undefined) problems.push(...judge('journal entry', entry, step.expected, false));
      }
      if (problems.length > 0) {
        const where: string = index === last ? 'in the echo and in the journal' : `in the echo of step ${index + 1} of ${steps.length}`;
        assert.fail(report(consumerCase.title, exchange, `200 with token.code ${step.expected} ${where}`, problems, index === last ? describeEntry(entry) : '(not read)'));
      }
    }
  });

  // The strict mock runs the default verifier: the profile vectors have no strict twin.
  if (consumerCase.profile) continue;
  const strictStatus = consumerCase.expected === 'TOKEN_VALID' ? 200 : 401;
  test(`a MOCK_REQUIRE_TOKEN=true mock answers ${strictStatus}${strictStatus === 401 ? ` with ${consumerCase.expected}` : ''} for ${consumerCase.title}`, async (t) => {
    const strictUrl = stack.mockStrictUrl;
    if (strictUrl === undefined) {
      t.skip('MOCK_STRICT_URL is unset: point it at a mock started with MOCK_REQUIRE_TOKEN=true to run this case');
      return;
    }
    const steps = consumerCase.steps();
    if (typeof steps === 'string') {
      t.skip(steps);
      return;
    }
    const method = consumerCase.method ?? 'POST';
    for (const [index, step] of steps.entries()) {
      const status = step.expected === 'TOKEN_VALID' ? 200 : 401;
      const exchange = await send(strictUrl, method, step.headers, index === steps.length - 1 ? 'strict' : `strict-step${index + 1}`);
      const problems: string[] = [];
      if (exchange.response.status !== status) problems.push(`status ${exchange.response.status}, expected ${status}`);
      const bodyText = JSON.stringify(parseBody(exchange.response) ?? null);
      if (status === 401 && !bodyText.includes(`"code":"${step.expected}"`)) problems.push(`the JSON body does not carry "code":"${step.expected}"`);
      const entries = await findRecorded(strictUrl, exchange.marker, `/cc/${exchange.marker}`);
      if (entries.length !== 1) problems.push(`${entries.length} journal entries carry ${CASE_ID_HEADER}: ${exchange.marker}, expected 1 (refused requests are still recorded)`);
      const entry = entries[0];
      if (entry !== undefined && entry.token.code !== step.expected) problems.push(`journal entry token.code is ${JSON.stringify(entry.token.code)}`);
      if (problems.length > 0) {
        const expectation = `${status}${status === 401 ? ` with "code":"${step.expected}" in the JSON body` : ''}, recorded with that code`;
        assert.fail(report(consumerCase.title, exchange, steps.length > 1 ? `step ${index + 1} of ${steps.length}: ${expectation}` : expectation, problems, describeEntry(entry)));
      }
    }
  });
}

test('a MOCK_REQUIRE_TOKEN=true mock still answers a GET without a token with 200 (only POST is protected)', async (t) => {
  const strictUrl = stack.mockStrictUrl;
  if (strictUrl === undefined) {
    t.skip('MOCK_STRICT_URL is unset: point it at a mock started with MOCK_REQUIRE_TOKEN=true to run this case');
    return;
  }
  const exchange = await send(strictUrl, 'GET', [], 'strict-get');
  if (exchange.response.status !== 200) {
    assert.fail(report('GET without a token', exchange, '200 with token.code TOKEN_MISSING', [`status ${exchange.response.status}`], '(not read)'));
  }
  const problems = judge('echo', parseBody(exchange.response), 'TOKEN_MISSING', false);
  assert.deepEqual(problems, [], report('GET without a token', exchange, 'token.code TOKEN_MISSING in the echo', problems, '(not read)'));
});
