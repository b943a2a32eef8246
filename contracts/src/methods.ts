/**
 * Which methods carry a token. Default: POST only (issue #2); `JWT_METHODS`
 * widens it. Method names are case-sensitive tokens (RFC 9110 §9.1), so the
 * configured names are upper-cased once and compared exactly.
 */
import { isHttpToken } from './http-token.js';

export const DEFAULT_SIGNED_METHODS: readonly string[] = Object.freeze(['POST']);

/** Parses a comma-separated method list; returns the invalid entries instead when there are any. */
export function parseMethodList(value: string): { methods: ReadonlySet<string> } | { invalid: string[] } {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  const invalid = entries.filter((entry) => !isHttpToken(entry));
  if (entries.length === 0) return { invalid: [value] };
  if (invalid.length > 0) return { invalid };
  return { methods: new Set(entries.map((entry) => entry.toUpperCase())) };
}
