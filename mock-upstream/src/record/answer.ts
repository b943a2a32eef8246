/**
 * The answer to a recorded request: after the delays, a bad fault header (400), x-mock-close,
 * 401 mode for an invalid signed method, else the stub's answer or the echo of the entry, faulted or plain.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppliedFault } from '../../../contracts/src/index.js';
import type { FaultHeaders } from '../faults/fault-headers.js';
import { faultDelayMs, MAX_FAULT_DELAY_MS, sendFaulted, sendPlain } from '../faults/faults.js';
import type { Answer } from '../faults/faults.js';
import type { Random } from '../faults/random.js';
import { JSON_HEADERS, sendError, sendJson } from '../http/errors.js';
import { stubBody } from '../stubs/stubs.js';
import type { Stub } from '../stubs/stubs.js';
import type { JournalEntry } from './journal.js';

export interface AnswerContext {
  readonly entry: JournalEntry;
  readonly faults: FaultHeaders | { readonly problem: string };
  readonly stub: Stub | undefined;
  readonly fault: AppliedFault | undefined;
  readonly random: Random;
  /** MOCK_REQUIRE_TOKEN: the methods (MOCK_SIGNED_METHODS) whose invalid token gets 401; empty when off. */
  readonly requireTokenFor: ReadonlySet<string>;
  readonly tokenHeader: string;
}

/** Waits out the delays (x-mock-delay-ms, else the stub's, plus a delay fault), then answers. */
export function answerLater(req: IncomingMessage, res: ServerResponse, ctx: AnswerContext): void {
  const { faults, stub, fault } = ctx;
  const delayMs = 'problem' in faults ? 0 : Math.min(MAX_FAULT_DELAY_MS, (faults.delayMs || (stub?.delayMs ?? 0)) + faultDelayMs(fault));
  if (delayMs === 0) {
    answer(req, res, ctx);
    return;
  }
  const timer = setTimeout(() => answer(req, res, ctx), delayMs);
  res.on('close', () => clearTimeout(timer));
}

/** In order: a bad fault header (400), x-mock-close, 401 mode for an invalid signed method, else the (faulted) answer. */
function answer(req: IncomingMessage, res: ServerResponse, ctx: AnswerContext): void {
  const { entry, faults, stub, fault } = ctx;
  const { token } = entry;
  const extra: Record<string, string> = { 'x-mock-entry-id': entry.id, 'x-mock-verdict': token.code, ...(stub && { 'x-mock-stub-id': stub.id }) };
  if ('problem' in faults) {
    sendError(res, 'FAULT_HEADER_INVALID', faults.problem, entry, extra);
  } else if (faults.close) {
    req.socket.destroy();
  } else if (ctx.requireTokenFor.has(entry.method) && !token.valid) {
    sendJson(res, 401, { error: { code: token.code, message: token.message }, ...entry }, {
      ...extra,
      'www-authenticate': `JWT realm="mock-upstream", header="${ctx.tokenHeader}"`,
    });
  } else {
    const planned = plannedAnswer(entry, faults, stub, extra);
    if (fault === undefined || fault.type === 'delay') sendPlain(res, planned);
    else sendFaulted(req, res, fault, planned, ctx.random);
  }
}

/**
 * Every stub's answer is a sandboxed document unless the stub sets its own CSP (issue #21, item 1):
 * a stub's `text/html` shares the mock's origin with /__mock/requests and its signed tokens, and
 * `sandbox` (without allow-scripts) runs no script and gives the document an opaque origin, so even
 * a stub planted by mistake reads nothing. A stub that sets Content-Security-Policy chose its page.
 * The echo is not sandboxed: it is always `application/json` with `nosniff` (JSON_HEADERS win over
 * any stub header), which no browser runs, and a page that a browser fetched through the proxy
 * must keep its origin so its own same-origin requests work (e2e/forward.browser.spec.ts).
 */
export const ANSWER_CSP = 'sandbox';

/** The answer before any fault: the stub's status, headers and body, else the echo of the entry. */
function plannedAnswer(entry: JournalEntry, faults: FaultHeaders, stub: Stub | undefined, extra: Record<string, string>): Answer {
  const status = faults.status ?? stub?.status ?? 200;
  const body = stub === undefined ? undefined : stubBody(stub);
  const stubHeaders = stub?.headers ?? {};
  const hasHeader = (wanted: string): boolean => Object.keys(stubHeaders).some((name) => name.toLowerCase() === wanted);
  if (body === undefined) {
    return { status, headers: { ...stubHeaders, ...extra, ...JSON_HEADERS }, body: Buffer.from(JSON.stringify(entry)) };
  }
  const csp: Record<string, string> = hasHeader('content-security-policy') ? {} : { 'content-security-policy': ANSWER_CSP };
  const defaultType = typeof stub?.body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  const type: Record<string, string> = hasHeader('content-type') ? {} : { 'content-type': defaultType };
  return { status, headers: { ...csp, ...type, ...stubHeaders, ...extra }, body };
}
