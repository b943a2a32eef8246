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
  /** Why the token is invalid (issue 13): on every invalid verdict, absent on a valid one. */
  readonly detail?: VerdictDetail;
  /**
   * false: no token was sent and none was expected, because the request's method is outside the
   * signed set (MOCK_SIGNED_METHODS, mirroring the proxy's JWT_METHODS), so the proxy rightly left
   * it unsigned (issue 23). The code stays TOKEN_MISSING and `valid` false; absent otherwise.
   */
  readonly expected?: false;
}

/** Which verification step refused the token (mock-upstream/src/verify.ts runs them in this order). */
export type VerdictCheck = 'presence' | 'structure' | 'header' | 'key' | 'signature' | 'claims' | 'time' | 'audience' | 'replay' | 'token';

/** A diagnosis of an invalid token: which check failed and the facts a person needs to fix it. */
export interface VerdictDetail {
  readonly check: VerdictCheck;
  /** The diagnosis in words, for the inspection page and logs. */
  readonly summary: string;
  /** For claims: each violation's zod path and reason. */
  readonly violations?: readonly { readonly path: readonly (string | number)[]; readonly reason: string }[];
  /** For time checks: how far the checked claim (`iat`, `exp` or `nbf`) is from the mock's clock, in seconds (positive: ahead). */
  readonly skewS?: number;
  /** For a replay: the entry that first carried this jti, when the journal still holds it. */
  readonly firstSeen?: { readonly id: string; readonly receivedAt: string };
  /** For SIGNATURE_INVALID: a key the signature would verify under, or none found. */
  readonly signature?: SignatureDiagnosis;
}

export interface SignatureDiagnosis {
  /** The key that verifies, described; undefined when no candidate did. */
  readonly verifiesWith?: string;
  /** What that key is: the secret in the other encoding, with stray whitespace, or another configured key. */
  readonly kind?: 'other-encoding' | 'stray-whitespace' | 'other-key';
  /** How many candidate keys were tried. */
  readonly candidatesTried: number;
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
  /** The session header's value (MOCK_SESSION_HEADER, default x-mock-session) when the request carried one. */
  readonly session?: string;
  /** The id of the stub that answered (POST /__mock/stubs); absent when the echo answered. */
  readonly stubId?: string;
  /** The fault applied to the answer, with its resolved parameters (after jitter and rate). */
  readonly fault?: AppliedFault;
}

/** A fault as applied to one answer: its name plus the parameters actually used. */
export interface AppliedFault {
  readonly type: string;
  readonly [parameter: string]: string | number;
}
