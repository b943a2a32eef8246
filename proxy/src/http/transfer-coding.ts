/**
 * The verdict on a request's Transfer-Encoding (issue #16, Medium 2; RFC 9112
 * §6.1). llhttp already refuses a coding list whose last member is not chunked,
 * and Content-Length next to it; what it accepts and the proxy must still refuse:
 *
 * - a coding other than chunked (`gzip, chunked`): the proxy cannot decode it and
 *   must not silently drop it, so 501 (RFC 9112 §6.1: "SHOULD respond with 501");
 * - chunked applied more than once, chunked not last, a member that is not a token:
 *   400 BAD_REQUEST, the code llhttp's own refusals of these get;
 * - any Transfer-Encoding on an HTTP/1.0 request: faulty framing (RFC 9112 §6.1:
 *   "MUST treat the message as if the framing is faulty"), 400 BAD_FRAMING.
 *
 * Every refusal closes the connection: nothing after such a request can be trusted.
 */
import { isHttpToken } from '../../../contracts/src/index.js';
import type { ProxyErrorCode } from './errors.js';

export type TransferCodingVerdict =
  | { readonly framing: 'none' }
  | { readonly framing: 'chunked' }
  | { readonly refuse: Extract<ProxyErrorCode, 'TRANSFER_CODING_NOT_IMPLEMENTED' | 'BAD_FRAMING' | 'BAD_REQUEST'> };

/**
 * `value` is the request's Transfer-Encoding as Node joins repeated lines (", "), or
 * undefined; `httpVersionMinor` is 0 or 1 (HTTP/1.x only reaches here).
 */
export function transferCodingVerdict(value: string | undefined, httpVersionMinor: number): TransferCodingVerdict {
  if (value === undefined) return { framing: 'none' };
  if (httpVersionMinor === 0) return { refuse: 'BAD_FRAMING' };
  // Empty list elements are allowed and ignored (RFC 9110 §5.6.1).
  const codings = value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '');
  if (codings.length === 0 || codings[codings.length - 1] !== 'chunked') return { refuse: 'BAD_REQUEST' };
  for (let i = 0; i < codings.length - 1; i += 1) {
    const coding = codings[i] as string;
    // chunked twice is forbidden (RFC 9112 §6.1); a parameter or a non-token is malformed.
    if (coding === 'chunked' || !isHttpToken(coding.split(';')[0]?.trim() ?? '')) return { refuse: 'BAD_REQUEST' };
  }
  return codings.length === 1 ? { framing: 'chunked' } : { refuse: 'TRANSFER_CODING_NOT_IMPLEMENTED' };
}
