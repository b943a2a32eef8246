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
import { buildClaims, utcDateOf } from '../src/token-contract.js';
import type { VerdictCode } from '../src/verdict.js';
import { DEFAULT_JWT_SECRET, decodeSecret } from '../src/token-config.js';
import { base64url, craftToken, type CraftTokenOptions } from '../src/craft-token.js';
import { describeRequest, sendRaw, type HeaderLine, type RawRequest, type RawResponse } from './raw-http.js';
import { CASE_ID_HEADER, describeEntry, findRecorded, type MockEntry } from './mock-journal.js';
import { startStack, type Stack } from './stack.js';
import { readMockWindows, readSuiteTokenConfig } from './suite-config.js';

const tokenConfig = readSuiteTokenConfig();
const TOKEN = tokenConfig.header;
const KEY = tokenConfig.key;
const windows = readMockWindows();

let stack: Stack;
before(async () => {
  stack = await startStack({ strictMock: true });
});
after(async () => {
  await stack?.stop();
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

function replacePart(token: string, index: number, part: string): string {
  const parts = token.split('.');
  parts[index] = part;
  return parts.join('.');
}

/** Changes the first signature character: the last one may only carry padding bits. */
function flipSignature(token: string): string {
  const parts = token.split('.');
  const sig = parts[2] ?? '';
  parts[2] = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  return parts.join('.');
}

interface ConsumerCase {
  readonly title: string;
  readonly expected: VerdictCode;
  /** Token header lines (exact names and values); fresh on each call. A string means the case cannot run (skip reason). */
  headers(): HeaderLine[] | string;
  /** Send the same lines once first, expecting TOKEN_VALID (replay cases). */
  readonly sendTwice?: boolean;
  readonly method?: string;
}

const tokenLine = (token: string): HeaderLine[] => [[TOKEN, token]];
const oneToken = (make: () => string): (() => HeaderLine[]) => () => tokenLine(make());

const cases: ConsumerCase[] = [
  { title: 'a valid token', expected: 'TOKEN_VALID', headers: oneToken(valid) },
  { title: 'a valid token for another non-empty user', expected: 'TOKEN_VALID', headers: oneToken(() => sign(claimsAt(nowS(), 'Zoë Ñandú'))) },
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
    title: 'a tampered payload (claims changed, signature kept)',
    expected: 'SIGNATURE_INVALID',
    headers: oneToken(() => {
      const token = valid();
      return replacePart(token, 1, base64url(JSON.stringify(claimsAt(nowS(), 'admin'))));
    }),
  },
  { title: 'a tampered signature', expected: 'SIGNATURE_INVALID', headers: oneToken(() => flipSignature(valid())) },
  { title: 'a signature made with another secret', expected: 'SIGNATURE_INVALID', headers: oneToken(() => sign(claimsAt(nowS()), { key: randomBytes(64) })) },
  {
    title: `a signature made with the right secret under the other encoding (${tokenConfig.secretEncoding === 'hex' ? 'utf8' : 'hex'})`,
    expected: 'SIGNATURE_INVALID',
    headers: () => {
      const key = otherEncodingKey();
      return typeof key === 'string' ? key : tokenLine(sign(claimsAt(nowS()), { key }));
    },
  },
  {
    title: 'an HS512 header over an HS256 signature',
    expected: 'SIGNATURE_INVALID',
    headers: oneToken(() => sign(claimsAt(nowS()), { algorithm: 'HS256' })),
  },
  { title: 'alg "none" with an empty signature', expected: 'ALG_NOT_ALLOWED', headers: oneToken(() => sign(claimsAt(nowS()), { header: { alg: 'none', typ: 'JWT' }, algorithm: 'none' })) },
  {
    title: 'alg "none" carrying a valid HS512 signature',
    expected: 'ALG_NOT_ALLOWED',
    headers: oneToken(() => {
      const token = valid();
      return replacePart(token, 0, base64url(JSON.stringify({ alg: 'none', typ: 'JWT' })));
    }),
  },
  { title: 'an HS256 token signed with the right secret', expected: 'ALG_NOT_ALLOWED', headers: oneToken(() => sign(claimsAt(nowS()), { header: { alg: 'HS256', typ: 'JWT' }, algorithm: 'HS256' })) },
  { title: 'an HS384 token signed with the right secret', expected: 'ALG_NOT_ALLOWED', headers: oneToken(() => sign(claimsAt(nowS()), { header: { alg: 'HS384', typ: 'JWT' }, algorithm: 'HS384' })) },
  { title: 'typ other than JWT', expected: 'TYP_INVALID', headers: oneToken(() => sign(claimsAt(nowS()), { header: { alg: 'HS512', typ: 'at+jwt' } })) },
  { title: 'no typ in the header', expected: 'TYP_INVALID', headers: oneToken(() => sign(claimsAt(nowS()), { header: { alg: 'HS512' } })) },
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
  { title: 'a replayed token (same jti sent a second time)', expected: 'TOKEN_REPLAYED', sendTwice: true, headers: oneToken(valid) },
  {
    title: 'the payload claim missing',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ iat: nowS(), jti: jti() })),
  },
  {
    title: 'the payload claim malformed (a string, not an object)',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ iat: nowS(), jti: jti(), payload: `user=${tokenConfig.user}` })),
  },
  {
    title: 'payload.user empty',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ ...claimsAt(nowS()), payload: { user: '', date: utcDateOf(nowS()) } })),
  },
  {
    title: 'payload.date not formatted YYYY-MM-DD',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ ...claimsAt(nowS()), payload: { user: tokenConfig.user, date: utcDateOf(nowS()).replaceAll('-', '/') } })),
  },
  {
    title: 'payload.date not the UTC date of iat',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ ...claimsAt(nowS()), payload: { user: tokenConfig.user, date: utcDateOf(nowS() - 86_400) } })),
  },
  {
    title: 'a fractional iat',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => {
      const iat = nowS() + 0.5;
      return sign({ iat, jti: jti(), payload: { user: tokenConfig.user, date: utcDateOf(iat) } });
    }),
  },
  {
    title: 'iat as a string',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ ...claimsAt(nowS()), iat: String(nowS()) })),
  },
  { title: 'a jti shorter than 16 characters', expected: 'CLAIMS_INVALID', headers: oneToken(() => sign({ ...claimsAt(nowS()), jti: 'short-jti' })) },
  {
    title: 'no jti',
    expected: 'CLAIMS_INVALID',
    headers: oneToken(() => sign({ iat: nowS(), payload: { user: tokenConfig.user, date: utcDateOf(nowS()) } })),
  },
  { title: 'a correctly signed claims segment that is not JSON', expected: 'TOKEN_MALFORMED', headers: oneToken(() => sign('{"iat": oops')) },
  { title: 'a token of two segments', expected: 'TOKEN_MALFORMED', headers: oneToken(() => valid().split('.').slice(0, 2).join('.')) },
  { title: 'a header segment that is not base64url JSON', expected: 'TOKEN_MALFORMED', headers: oneToken(() => replacePart(valid(), 0, 'not*base64')) },
  { title: 'no token header', expected: 'TOKEN_MISSING', headers: () => [] },
  { title: 'two token header lines', expected: 'TOKEN_MULTIPLE', headers: () => [[TOKEN, valid()], [TOKEN, valid()]] },
];

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
    const headers = consumerCase.headers();
    if (typeof headers === 'string') {
      t.skip(headers);
      return;
    }
    const method = consumerCase.method ?? 'POST';
    if (consumerCase.sendTwice) {
      const first = await send(stack.mockUrl, method, headers, 'prime');
      const firstProblems = judge('first echo', parseBody(first.response), 'TOKEN_VALID', false);
      if (firstProblems.length > 0) assert.fail(report(consumerCase.title, first, 'the first use is TOKEN_VALID', firstProblems, '(not read)'));
    }
    const exchange = await send(stack.mockUrl, method, headers, 'plain');
    const entries = await findRecorded(stack.mockUrl, exchange.marker, `/cc/${exchange.marker}`);
    const problems: string[] = [];
    if (exchange.response.status !== 200) problems.push(`status ${exchange.response.status}, expected 200 (MOCK_REQUIRE_TOKEN unset)`);
    problems.push(...judge('echo', parseBody(exchange.response), consumerCase.expected, consumerCase.sendTwice === true));
    if (entries.length !== 1) problems.push(`${entries.length} journal entries carry ${CASE_ID_HEADER}: ${exchange.marker}, expected 1`);
    const entry: MockEntry | undefined = entries[0];
    if (entry !== undefined) problems.push(...judge('journal entry', entry, consumerCase.expected, consumerCase.sendTwice === true));
    if (problems.length > 0) {
      assert.fail(report(consumerCase.title, exchange, `200 with token.code ${consumerCase.expected} in the echo and in the journal`, problems, describeEntry(entry)));
    }
  });

  const strictStatus = consumerCase.expected === 'TOKEN_VALID' ? 200 : 401;
  test(`a MOCK_REQUIRE_TOKEN=true mock answers ${strictStatus}${strictStatus === 401 ? ` with ${consumerCase.expected}` : ''} for ${consumerCase.title}`, async (t) => {
    const strictUrl = stack.mockStrictUrl;
    if (strictUrl === undefined) {
      t.skip('MOCK_STRICT_URL is unset: point it at a mock started with MOCK_REQUIRE_TOKEN=true to run this case');
      return;
    }
    const headers = consumerCase.headers();
    if (typeof headers === 'string') {
      t.skip(headers);
      return;
    }
    const method = consumerCase.method ?? 'POST';
    if (consumerCase.sendTwice) {
      const first = await send(strictUrl, method, headers, 'strict-prime');
      if (first.response.status !== 200) assert.fail(report(consumerCase.title, first, 'the first use is accepted with 200', [`status ${first.response.status}`], '(not read)'));
    }
    const exchange = await send(strictUrl, method, headers, 'strict');
    const problems: string[] = [];
    if (exchange.response.status !== strictStatus) problems.push(`status ${exchange.response.status}, expected ${strictStatus}`);
    const bodyText = JSON.stringify(parseBody(exchange.response) ?? null);
    if (strictStatus === 401 && !bodyText.includes(`"code":"${consumerCase.expected}"`)) problems.push(`the JSON body does not carry "code":"${consumerCase.expected}"`);
    const entries = await findRecorded(strictUrl, exchange.marker, `/cc/${exchange.marker}`);
    if (entries.length !== 1) problems.push(`${entries.length} journal entries carry ${CASE_ID_HEADER}: ${exchange.marker}, expected 1 (refused requests are still recorded)`);
    const entry = entries[0];
    if (entry !== undefined && entry.token.code !== consumerCase.expected) problems.push(`journal entry token.code is ${JSON.stringify(entry.token.code)}`);
    if (problems.length > 0) {
      assert.fail(report(consumerCase.title, exchange, `${strictStatus}${strictStatus === 401 ? ` with "code":"${consumerCase.expected}" in the JSON body` : ''}, recorded with that code`, problems, describeEntry(entry)));
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
