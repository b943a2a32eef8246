/**
 * Shared fixtures for the e2e suites: the stack's addresses, a unique path per test (the journal
 * is matched by it, never by position), a reader of the mock's journal and of the proxy's /status,
 * and, for browser tests, a page that fails the test on any console error or uncaught exception.
 */
import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { test as base, expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { DEFAULT_JWT_HEADER, DEFAULT_JWT_USER, JWT_PROTECTED_HEADER } from '../contracts/src/index.js';
import { checkClaims } from '../contracts/src/token-claims.js';
import type { RecordedRequest as JournalEntry, TokenVerdict } from '../contracts/src/recorded-request.js';
import { checkedRequestContext, rolesOf, watchPageResponses } from './contract-check.js';

export { expect };

export interface StackEnv {
  /** The proxy as the test runner reaches it. */
  readonly proxyUrl: string;
  /** The mock upstream as the test runner reaches it (journal API, inspection page). */
  readonly mockUrl: string;
  /** The mock as the proxy reaches it: the target of forward-mode requests (compose: http://mock-upstream:8081). */
  readonly mockUrlFromProxy: string;
  /** The proxy's UPSTREAM_TIMEOUT_MS, so the timeout case delays the mock just past it. */
  readonly upstreamTimeoutMs: number;
  readonly jwtUser: string;
  readonly jwtHeader: string;
}

/** Reads the stack's addresses; PROXY_URL and MOCK_URL are required. */
export function readStackEnv(env: NodeJS.ProcessEnv): StackEnv {
  const missing = ['PROXY_URL', 'MOCK_URL'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} must be set to the running stack's addresses, e.g. ` +
        'PROXY_URL=http://127.0.0.1:8080 MOCK_URL=http://127.0.0.1:8081 npm run test:e2e ' +
        '(`make test` starts a stack and sets them).',
    );
  }
  const trim = (url: string): string => url.replace(/\/+$/, '');
  const mockUrl = trim(env.MOCK_URL!);
  return {
    proxyUrl: trim(env.PROXY_URL!),
    mockUrl,
    mockUrlFromProxy: trim(env.MOCK_URL_FROM_PROXY || mockUrl),
    upstreamTimeoutMs: Number(env.UPSTREAM_TIMEOUT_MS || 30_000),
    jwtUser: env.JWT_USER || DEFAULT_JWT_USER,
    jwtHeader: (env.JWT_HEADER || DEFAULT_JWT_HEADER).toLowerCase(),
  };
}

/** The mock's recorded request and token verdict: the contract's shapes. */
export type { RecordedRequest as JournalEntry, TokenVerdict } from '../contracts/src/recorded-request.js';

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The mock's session header (MOCK_SESSION_HEADER's default): every test's requests carry its own value. */
export const MOCK_SESSION_HEADER = 'x-mock-session';

/** One answer read whole by node:http: for requests Playwright's client cannot send (absolute-form, a chosen source address). */
export interface NodeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one request with node:http and reads its answer to the end. */
export function nodeRequest(options: RequestOptions, body?: Buffer): Promise<NodeAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
/** How long a test waits for the mock to record a request (the mock's wait endpoint caps it at 60 s). */
export const RECORD_WAIT_MS = 10_000;

/**
 * Reads the mock's journal over its API, within one test's session (issue 13): with 2 workers, no
 * test reads another's records. Waits use the mock's wait endpoint, answered by the recording
 * itself, never a poll or a fixed sleep.
 */
export class MockJournal {
  constructor(
    private readonly api: APIRequestContext,
    private readonly mockUrl: string,
    readonly session: string,
  ) {}

  /** This session's entries for exactly this path (the API's `path` filter is a prefix), newest first. */
  async byPath(path: string): Promise<JournalEntry[]> {
    const res = await this.api.get(`${this.mockUrl}/__mock/requests`, { params: { path, session: this.session, limit: 50 } });
    expect(res.status(), `GET ${this.mockUrl}/__mock/requests?path=${path}&session=${this.session}`).toBe(200);
    const { requests } = (await res.json()) as { requests: JournalEntry[] };
    return requests.filter((entry) => entry.path === path);
  }

  /** Waits until the mock has recorded `count` requests of this session under the path prefix. */
  async waitFor(path: string, count = 1): Promise<JournalEntry[]> {
    const res = await this.api.get(`${this.mockUrl}/__mock/requests/wait`, {
      params: { path, session: this.session, count, timeoutMs: RECORD_WAIT_MS },
      timeout: RECORD_WAIT_MS + 5_000,
    });
    expect(res.status(), `the mock recorded ${count} request(s) of session ${this.session} under ${path}: ${await res.text()}`).toBe(200);
    return ((await res.json()) as { requests: JournalEntry[] }).requests;
  }

  /** The one entry recorded for this path, once it has been recorded. */
  async only(path: string): Promise<JournalEntry> {
    await this.waitFor(path);
    const entries = await this.byPath(path);
    expect(entries.length, `journal entries for exactly ${path}`).toBe(1);
    return entries[0]!;
  }
}

/** Reads the proxy's JSON /status. */
export async function requestsProcessed(api: APIRequestContext, proxyUrl: string): Promise<number> {
  const res = await api.get(`${proxyUrl}/status`, { headers: { accept: 'application/json' } });
  expect(res.status(), 'GET /status').toBe(200);
  const status = (await res.json()) as { requestsProcessed: unknown };
  expect(Number.isInteger(status.requestsProcessed), `requestsProcessed in ${JSON.stringify(status)}`).toBe(true);
  return status.requestsProcessed as number;
}

/** Asserts the proxy's body for an error it generated: exactly `{error: {code, message}}`. */
export async function expectProxyError(res: APIResponse, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status(), `status of a response with body ${text}`).toBe(status);
  expect(res.headers()['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
}

/** Asserts a verdict is the mock's TOKEN_VALID for a token the proxy signed, per the contract. */
export function expectValidToken(token: TokenVerdict, user: string): void {
  expect(token, 'token verdict').toMatchObject({ present: true, valid: true, code: 'TOKEN_VALID' });
  expect(token.header).toEqual({ ...JWT_PROTECTED_HEADER });
  const check = checkClaims(token.claims);
  expect(check.ok ? [] : check.violations, 'contract violations in the claims').toEqual([]);
  expect(Object.keys(token.claims ?? {}).sort()).toEqual(['iat', 'jti', 'payload']);
  expect((token.claims?.payload as { user?: unknown } | undefined)?.user).toBe(user);
  const iat = token.claims?.iat as number;
  expect(Math.abs(iat - Date.now() / 1000), 'iat is the moment the request arrived').toBeLessThan(60);
}

interface Fixtures {
  stack: StackEnv;
  /** This test's mock session: sent as x-mock-session on every request of `request` and `page`. */
  mockSession: string;
  /** A path no other test (or run) uses: /e2e/<test title slug>/<uuid>. */
  uniquePath: string;
  journal: MockJournal;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => {
    await use(readStackEnv(process.env));
  },
  // eslint-disable-next-line no-empty-pattern
  uniquePath: async ({}, use, testInfo) => {
    const slug = testInfo.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/-+$/, '');
    await use(`/e2e/${slug}/${randomUUID()}`);
  },
  // eslint-disable-next-line no-empty-pattern
  mockSession: async ({}, use, testInfo) => {
    await use(`e2e-w${testInfo.workerIndex}-${randomUUID()}`);
  },
  // The built-in option, extended: `request` and every browser context of the test send the session.
  extraHTTPHeaders: async ({ extraHTTPHeaders, mockSession }, use) => {
    await use({ ...extraHTTPHeaders, [MOCK_SESSION_HEADER]: mockSession });
  },
  journal: async ({ playwright, stack, mockSession }, use) => {
    const api = await playwright.request.newContext();
    await use(new MockJournal(checkedRequestContext(api, rolesOf(stack)), stack.mockUrl, mockSession));
    await api.dispose();
  },
  // Every response from the proxy or the mock is checked against contracts/openapi.yaml (issue 14).
  request: async ({ request, stack }, use) => {
    await use(checkedRequestContext(request, rolesOf(stack)));
  },
  // Browser tests fail on any console error or uncaught exception in the page, and on any
  // response from the stack that differs from contracts/openapi.yaml.
  page: async ({ page, stack }, use) => {
    const contractProblems = watchPageResponses(page, rolesOf(stack));
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await use(page);
    expect(problems, 'console errors and uncaught exceptions in the page').toEqual([]);
    expect(await contractProblems(), 'responses that differ from contracts/openapi.yaml').toEqual([]);
  },
});
