/**
 * What the mock upstream records of each request, in its echo, its journal
 * API and its journal file (issue #3). The mock builds these; the contract
 * suites and the Playwright suites read them, so the shape is defined once.
 */
import type { VerdictCode } from './verdict.js';

export type JsonObject = Record<string, unknown>;

/** The verdict on a request's token. */
export interface TokenVerdict {
  /** True when the token header was sent at least once. */
  readonly present: boolean;
  readonly valid: boolean;
  readonly code: VerdictCode;
  /** Human explanation; never contains the secret. */
  readonly message: string;
  /** Decoded JOSE header, when it decodes to a JSON object. */
  readonly header?: JsonObject;
  /** Decoded claims, when they decode to a JSON object (even when invalid). */
  readonly claims?: JsonObject;
}

export interface BodyRecord {
  /** Full size of the body as received. */
  readonly bytes: number;
  /** Hex SHA-256 of the full body. */
  readonly sha256: string;
  /** The body as UTF-8 text, when it decodes and fits the body limit. */
  readonly text?: string;
  /** The body as base64, when it is not UTF-8 and fits the body limit. */
  readonly base64?: string;
  /** True when the body was larger than the limit, so neither text nor base64 is kept. */
  readonly truncated: boolean;
}

export interface RecordedRequest {
  readonly id: string;
  /** ISO time the request head arrived. */
  readonly receivedAt: string;
  readonly method: string;
  /** The raw request-target. */
  readonly url: string;
  /** The raw request-target up to the first `?`. */
  readonly path: string;
  /** The raw query after the first `?`, '' when none. */
  readonly query: string;
  readonly httpVersion: string;
  /** Lower-case name -> value, or every value in order when the header was repeated. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** [name, value, name, value, ...] as received, order and casing kept. */
  readonly rawHeaders: readonly string[];
  readonly body: BodyRecord;
  readonly token: TokenVerdict;
  readonly replayed: boolean;
}
