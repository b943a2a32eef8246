/**
 * The fault-injection request headers: `x-mock-status`, `x-mock-delay-ms`,
 * `x-mock-close` (issue 3) and `x-mock-fault` (issue 13, see faults.ts). They are
 * recorded like any header; a malformed one gets 400 FAULT_HEADER_INVALID with
 * the entry, never silently ignored.
 */
import { MAX_FAULT_DELAY_MS, parseFaultHeader } from './faults.js';
import type { FaultSpec } from './faults.js';

export interface FaultHeaders {
  readonly status?: number;
  readonly delayMs: number;
  readonly close: boolean;
  readonly fault?: FaultSpec;
}

export function parseFaults(headers: Readonly<Record<string, string | readonly string[]>>): FaultHeaders | { readonly problem: string } {
  const single = (name: string): string | undefined | { problem: string } => {
    const value = headers[name];
    if (typeof value === 'string') return value.trim();
    return value === undefined ? undefined : { problem: `${name} must be sent at most once` };
  };
  const status = single('x-mock-status');
  const delay = single('x-mock-delay-ms');
  const close = single('x-mock-close');
  const faultHeader = single('x-mock-fault');
  for (const value of [status, delay, close, faultHeader]) if (typeof value === 'object') return value;

  let statusCode: number | undefined;
  if (typeof status === 'string') {
    // 1xx codes are informational (RFC 9110 §15.2), never a final answer, so they are refused.
    if (!/^[2-5]\d\d$/.test(status)) return { problem: `x-mock-status must be a final status code from 200 to 599, got "${status}"` };
    statusCode = Number(status);
  }
  let delayMs = 0;
  if (typeof delay === 'string') {
    if (!/^\d{1,9}$/.test(delay)) return { problem: `x-mock-delay-ms must be a whole number of milliseconds, got "${delay}"` };
    delayMs = Math.min(Number(delay), MAX_FAULT_DELAY_MS);
  }
  let closeSocket = false;
  if (typeof close === 'string') {
    const normalised = close.toLowerCase();
    if (normalised === '1' || normalised === 'true') closeSocket = true;
    else if (normalised !== '0' && normalised !== 'false') return { problem: `x-mock-close must be 1 or 0, got "${close}"` };
  }
  let fault: FaultSpec | undefined;
  if (typeof faultHeader === 'string') {
    const parsed = parseFaultHeader(faultHeader);
    if ('problem' in parsed) return parsed;
    fault = parsed;
  }
  return { ...(statusCode !== undefined && { status: statusCode }), delayMs, close: closeSocket, ...(fault && { fault }) };
}
