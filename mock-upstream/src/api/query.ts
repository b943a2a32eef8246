/**
 * Query parameters of the /__mock API, parsed in one place. Unknown or repeated
 * parameters are refused (400 BAD_QUERY), so a typo is never a silent no-op.
 * Each endpoint names the parameters it takes; the README's endpoint table lists them.
 */
import { VERDICT_CODES } from '../../../contracts/src/index.js';
import type { JournalFilter } from '../record/journal.js';

/** The wait endpoint's cap on timeoutMs (issue 13): a longer wait gets 400, not a silent clamp. */
export const MAX_WAIT_MS = 60_000;
/** timeoutMs when not given. */
export const DEFAULT_WAIT_MS = 10_000;

export interface MockQuery extends JournalFilter {
  /** Wait: how many matching entries to wait for. */
  readonly count?: number;
  /** Wait: how long to wait before 408 WAIT_TIMEOUT. */
  readonly timeoutMs?: number;
}

export type QueryParam = keyof MockQuery;

/** The journal filters every listing endpoint takes. */
export const FILTER_PARAMS: readonly QueryParam[] = ['method', 'path', 'valid', 'code', 'session', 'jti', 'since'];
export const LIST_PARAMS: readonly QueryParam[] = [...FILTER_PARAMS, 'limit'];
export const WAIT_PARAMS: readonly QueryParam[] = [...FILTER_PARAMS, 'count', 'timeoutMs'];
export const SESSION_PARAMS: readonly QueryParam[] = ['session'];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type Parsed = { value: MockQuery[QueryParam] } | { problem: string };

function integer(name: string, value: string, min: number, max: number): Parsed {
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    return { problem: `${name} must be an integer from ${min} to ${max}, got "${value}"` };
  }
  return { value: Number(value) };
}

const PARSERS: Readonly<Record<QueryParam, (value: string) => Parsed>> = {
  method: (value) => (TOKEN.test(value) ? { value } : { problem: `method must be an HTTP method, got "${value}"` }),
  path: (value) => ({ value }),
  valid: (value) =>
    value === 'true' || value === 'false' ? { value: value === 'true' } : { problem: `valid must be true or false, got "${value}"` },
  code: (value) => {
    const code = VERDICT_CODES.find((candidate) => candidate === value);
    return code === undefined ? { problem: `code must be one of ${VERDICT_CODES.join(', ')}, got "${value}"` } : { value: code };
  },
  session: (value) => (value === '' ? { problem: 'session must not be empty' } : { value }),
  jti: (value) => (value === '' ? { problem: 'jti must not be empty' } : { value }),
  since: (value) => (value === '' ? { problem: 'since must be an entry id' } : { value }),
  limit: (value) => integer('limit', value, 1, 999_999_999),
  count: (value) => integer('count', value, 1, 1_000_000),
  timeoutMs: (value) => {
    // Over the cap is refused rather than clamped: a caller asking for 5 minutes has a bug to know about.
    if (/^\d{1,12}$/.test(value) && Number(value) > MAX_WAIT_MS) {
      return { problem: `timeoutMs must be at most ${MAX_WAIT_MS} (60 s), got "${value}"` };
    }
    return integer('timeoutMs', value, 0, MAX_WAIT_MS);
  },
};

/** Parses `query` allowing only `allowed`; the first problem found is returned. */
export function parseQuery(query: string, allowed: readonly QueryParam[]): MockQuery | { problem: string } {
  const seen = new Set<string>();
  const result: Partial<Record<QueryParam, unknown>> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const param = allowed.find((candidate) => candidate === name);
    if (param === undefined) {
      return { problem: allowed.length === 0 ? `this endpoint takes no parameters, got "${name}"` : `unknown parameter "${name}"; allowed: ${allowed.join(', ')}` };
    }
    if (seen.has(name)) return { problem: `parameter "${name}" given more than once` };
    seen.add(name);
    const parsed = PARSERS[param](value);
    if ('problem' in parsed) return parsed;
    result[param] = parsed.value;
  }
  return result as MockQuery;
}
