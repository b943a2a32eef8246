/**
 * The RFC 9110 §5.6.2 `token` grammar, defined once: method names (§9.1), field
 * names (§5.1, the token header), Via pseudonyms (§7.6.3) and Forwarded values
 * (RFC 7239 §4) are all tokens.
 *
 *   token = 1*tchar
 *   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when `value` is a non-empty RFC 9110 token. */
export function isHttpToken(value: string): boolean {
  return TOKEN.test(value);
}
