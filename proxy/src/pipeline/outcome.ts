/**
 * One outcome per request: when several events fail the same request (our timer, then the
 * reset it causes; a 413, then the upstream abort it causes), `setOutcome` keeps the first
 * reason, so no call site guards its assignment with "if unset".
 */
import type { ServerResponse } from 'node:http';
import type { OutcomeCode, ProxyErrorCode } from '../http/errors.js';
import { sendError } from '../http/errors.js';

/** The first code wins; returns the code that stands. */
export function setOutcome(exchange: { outcome: OutcomeCode | undefined }, code: OutcomeCode): OutcomeCode {
  if (exchange.outcome === undefined) exchange.outcome = code;
  return exchange.outcome;
}

/**
 * A request pass's answer with a proxy error: the outcome is the code, and the error table
 * says the status. Returns true, the pass's "answered".
 */
export function refuse(
  exchange: { outcome: OutcomeCode | undefined; readonly res: ServerResponse },
  code: ProxyErrorCode,
  headers?: Readonly<Record<string, string>>,
): true {
  setOutcome(exchange, code);
  sendError(exchange.res, code, headers === undefined ? undefined : { headers });
  return true;
}
