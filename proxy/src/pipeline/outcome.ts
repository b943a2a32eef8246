/**
 * One outcome per request: when several events fail the same request (our timer, then the
 * reset it causes; a 413, then the upstream abort it causes), `setOutcome` keeps the first
 * reason, so no call site guards its assignment with "if unset".
 */
import type { OutcomeCode } from '../http/errors.js';

/** The first code wins; returns the code that stands. */
export function setOutcome(exchange: { outcome: OutcomeCode | undefined }, code: OutcomeCode): OutcomeCode {
  if (exchange.outcome === undefined) exchange.outcome = code;
  return exchange.outcome;
}
