/**
 * The header-line cap (issue #16, Critical). Node 20 kept only the first 1,000
 * header lines in `req.headers` while its parser still framed the body by a later
 * `Content-Length` or `Transfer-Encoding`, so a GET with 999 fillers and a hidden
 * length carried a second, client-signed request upstream. Node 24 refuses such a
 * line with 431, but the proxy must not depend on that: the parser is told to keep
 * one line more than the proxy accepts, and a request that shows more than
 * MAX_HEADER_LINES (because the parser kept them, or truncated at the extra one) is
 * refused with 431 before anything is forwarded.
 */

/** Header lines a request may carry (Node's own default on 24; RFC 9110 sets no limit). */
export const MAX_HEADER_LINES = 1000;

/** What `server.maxHeadersCount` is set to: one more, so a parser that truncates still shows too many. */
export const PARSER_HEADER_LINES = MAX_HEADER_LINES + 1;

/** True when the request carries more header lines than the proxy accepts (`rawHeaders` is name, value, …). */
export function tooManyHeaderLines(rawHeaders: readonly string[]): boolean {
  return rawHeaders.length / 2 > MAX_HEADER_LINES;
}
