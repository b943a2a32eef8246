/**
 * The suites' one validation hook (issue 14): every response sendRaw receives
 * from a server of the stack is checked against contracts/openapi.yaml, and a
 * response that differs fails the request that got it. Responses from other
 * servers (the suites' own raw upstreams) are not the contract's business.
 */
import { OpenApiContract, type ContractRole } from '../testing/openapi-contract.js';
import { observeResponses, type RawRequest, type RawResponse } from '../testing/raw-http.js';

/** The addresses a stack names, with the role each plays. */
export interface StackOrigins {
  readonly proxyUrl?: URL | undefined;
  readonly proxyPutUrl?: URL | undefined;
  readonly mockUrl: URL;
  readonly mockStrictUrl?: URL | undefined;
  readonly mockProfileUrl?: URL | undefined;
}

export class ContractResponseError extends Error {
  override readonly name = 'ContractResponseError';
}

const roles = new Map<string, ContractRole>();
let contract: OpenApiContract | undefined;

/** Checks a response against the contract when its origin belongs to a watched stack; throws ContractResponseError. */
export function checkResponse(origin: URL, request: RawRequest, response: RawResponse): void {
  const role = roles.get(origin.host);
  if (role === undefined) return;
  contract ??= OpenApiContract.load();
  const problems = contract.check({ role, method: request.method, target: request.target, status: response.status, headers: response.headers, body: response.body });
  if (problems.length === 0) return;
  throw new ContractResponseError(
    [`the ${role}'s response differs from contracts/openapi.yaml:`, ...problems.map((problem) => `  ✗ ${problem}`), `  body: ${response.body.toString('utf8').slice(0, 600)}`].join('\n'),
  );
}

/** The same check for a response read with fetch: reads its body once and returns it. */
export async function checkFetched(url: URL, method: string, response: Response): Promise<Buffer> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers = [...response.headers].map(([name, value]) => [name, value] as const);
  checkResponse(new URL(url.origin), { method, target: `${url.pathname}${url.search}` }, { status: response.status, headers, body, interim: [] });
  return body;
}

/** Watches the stack's servers from now on; returns the stack unchanged. */
export function checkResponsesOf<T extends StackOrigins>(stack: T): T {
  const watch = (url: URL | undefined, role: ContractRole): void => {
    if (url !== undefined) roles.set(url.host, role);
  };
  watch(stack.proxyUrl, 'proxy');
  watch(stack.proxyPutUrl, 'proxy');
  watch(stack.mockUrl, 'mock');
  watch(stack.mockStrictUrl, 'mock');
  watch(stack.mockProfileUrl, 'mock');
  observeResponses(checkResponse);
  return stack;
}
