/**
 * The e2e suites' one validation hook (issue 14): every response a test's API
 * request context or page receives from the stack's proxy or mock is checked
 * against contracts/openapi.yaml. API responses fail the call that got them;
 * page responses (loaded by the browser on its own) are collected and fail the
 * test at its end.
 */
import type { APIRequestContext, APIResponse, Page, Response } from '@playwright/test';
import { OpenApiContract, type ContractRole, type ObservedResponse } from '../contracts/testing/openapi-contract.js';

let contract: OpenApiContract | undefined;

/** The stack's origins and the role each plays. */
export type Roles = ReadonlyMap<string, ContractRole>;

export function rolesOf(stack: { readonly proxyUrl: string; readonly mockUrl: string }): Roles {
  return new Map<string, ContractRole>([
    [new URL(stack.proxyUrl).origin, 'proxy'],
    [new URL(stack.mockUrl).origin, 'mock'],
  ]);
}

/** Problems of one response, or [] when it conforms or comes from elsewhere. */
export function contractProblems(roles: Roles, observed: Omit<ObservedResponse, 'role' | 'target'> & { readonly url: string }): string[] {
  const url = new URL(observed.url);
  const role = roles.get(url.origin);
  if (role === undefined) return [];
  contract ??= OpenApiContract.load();
  return contract.check({ ...observed, role, target: `${url.pathname}${url.search}` });
}

const REQUEST_METHODS = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', head: 'HEAD' } as const;

async function checkApiResponse(roles: Roles, method: string, res: APIResponse): Promise<void> {
  const problems = contractProblems(roles, {
    url: res.url(),
    method,
    status: res.status(),
    headers: res.headersArray().map(({ name, value }) => [name, value] as const),
    body: method === 'HEAD' ? Buffer.alloc(0) : await res.body(),
  });
  if (problems.length > 0) throw new Error(`the response differs from contracts/openapi.yaml:\n${problems.map((p) => `  ✗ ${p}`).join('\n')}`);
}

/** The context, with every request's response checked before the test sees it. */
export function checkedRequestContext(api: APIRequestContext, roles: Roles): APIRequestContext {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (name !== 'fetch' && !(name in REQUEST_METHODS)) return value.bind(target);
      return async (url: string, options?: { method?: string }) => {
        const res = (await (value as (u: string, o?: object) => Promise<APIResponse>).call(target, url, options)) as APIResponse;
        const method = name === 'fetch' ? (options?.method ?? 'GET').toUpperCase() : REQUEST_METHODS[name as keyof typeof REQUEST_METHODS];
        await checkApiResponse(roles, method, res);
        return res;
      };
    },
  });
}

/** Watches the page's responses; returns the problems found so far (read it when the test ends). */
export function watchPageResponses(page: Page, roles: Roles): () => Promise<string[]> {
  const pending: Promise<string[]>[] = [];
  page.on('response', (response: Response) => {
    pending.push(pageResponseProblems(roles, response));
  });
  return async () => (await Promise.all(pending)).flat();
}

async function pageResponseProblems(roles: Roles, response: Response): Promise<string[]> {
  const headers = await response.headersArray();
  const contentType = headers.find(({ name }) => name.toLowerCase() === 'content-type')?.value ?? '';
  const method = response.request().method();
  // An event stream never ends, and a redirect has no body Playwright keeps.
  const unread = contentType.startsWith('text/event-stream') || (response.status() >= 300 && response.status() < 400);
  let body: Buffer = Buffer.alloc(0);
  if (!unread && method !== 'HEAD') {
    try {
      body = await response.body();
    } catch {
      return []; // the page went away before the body arrived: nothing to judge
    }
  }
  return contractProblems(roles, { url: response.url(), method, status: response.status(), headers: headers.map(({ name, value }) => [name, value] as const), body });
}
