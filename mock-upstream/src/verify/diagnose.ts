/**
 * Diagnoses (issue 13): every invalid verdict gets a `detail` saying which
 * check failed and the facts needed to fix it: the zod path of each claim
 * violation, the clock skew of a time check, the entry that first carried a
 * replayed jti, and, for SIGNATURE_INVALID, whether the token would verify under
 * another reading of the secret or another configured key.
 *
 * The secret's encoding is this assignment's trap: its 128 characters are hex
 * digits, so "the secret" can be those 128 bytes (utf8) or the 64 bytes they
 * spell (hex); the public implementations split on it, and the published copy
 * carries a stray space that one signer kept. A signature that fails is tried
 * against each of those readings, so the page can say which one the signer used.
 *
 * Kept apart from verify.ts (which decides the verdict) so the two can change
 * independently; this module only adds `detail` to a verdict already made. The
 * check a code belongs to comes from the one list of checks (checks.ts), a code
 * missing there is reported as `token`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_SIGNED_METHODS } from '../../../contracts/src/index.js';
import { tokenClaimsSchema } from '../../../contracts/src/token-claims.js';
import type { SecretEncoding, SignatureDiagnosis, TokenVerdict, VerdictCheck, VerdictCode, VerdictDetail } from '../../../contracts/src/index.js';
import { VERDICT_CHECKS } from './checks.js';

/** The claim each time code is about: `exp` for an expired token, `nbf` for one not yet valid, else `iat`. */
const TIME_CLAIMS: Readonly<Partial<Record<VerdictCode, 'iat' | 'exp' | 'nbf'>>> = Object.freeze({
  TOKEN_EXPIRED: 'exp',
  TOKEN_NOT_YET_VALID: 'nbf',
});

/** Stray-whitespace candidates are tried only for secrets up to this long (one HMAC per position). */
export const MAX_SCANNED_SECRET_CHARS = 512;

export interface KeyCandidate {
  /** How the page names it, e.g. `JWT_SECRET read as hex`. */
  readonly label: string;
  readonly kind: NonNullable<SignatureDiagnosis['kind']>;
  readonly key: Buffer;
}

export interface DiagnoserOptions {
  readonly key: Buffer;
  readonly secretEncoding: SecretEncoding;
  /** Other keys the mock knows (e.g. key files); each is tried for SIGNATURE_INVALID. */
  readonly otherKeys?: readonly { readonly label: string; readonly key: Buffer }[];
  /** The methods the proxy signs (MOCK_SIGNED_METHODS); default POST, as the proxy's JWT_METHODS. */
  readonly signedMethods?: ReadonlySet<string>;
}

export interface DiagnoseContext {
  readonly nowMs: number;
  /** The token header's values as received. */
  readonly tokenValues: readonly string[];
  /** The entry that first carried this jti with a valid token, when the journal still holds it. */
  readonly firstSighting: (jti: string) => { readonly id: string; readonly receivedAt: string } | undefined;
  /** The request's method: a missing token on a method the proxy does not sign was expected (issue 23). */
  readonly method?: string;
}

export type Diagnoser = (verdict: TokenVerdict, context: DiagnoseContext) => TokenVerdict;

export function createDiagnoser(options: DiagnoserOptions): Diagnoser {
  const candidates = keyCandidates(options);
  const signedMethods = options.signedMethods ?? new Set(DEFAULT_SIGNED_METHODS);
  return (verdict, context) => {
    if (verdict.valid) return verdict;
    if (isExpectedUnsigned(verdict, context.method, signedMethods)) return expectedUnsigned(verdict, context.method ?? '', signedMethods);
    const check = VERDICT_CHECKS[verdict.code] ?? 'token';
    return { ...verdict, detail: diagnose(check, verdict, context, candidates) };
  };
}

function diagnose(check: VerdictCheck, verdict: TokenVerdict, context: DiagnoseContext, candidates: readonly KeyCandidate[]): VerdictDetail {
  switch (check) {
    case 'signature':
      return signatureDetail(context.tokenValues[0]?.trim() ?? '', candidates);
    case 'claims':
      return claimsDetail(verdict);
    case 'time': {
      const claim = TIME_CLAIMS[verdict.code] ?? 'iat';
      const skewS = skewOf(verdict.claims?.[claim], context.nowMs);
      return { check, skewS, summary: `${verdict.message} (${claim} is ${describeSkew(skewS)} the mock's clock)` };
    }
    case 'replay':
      return replayDetail(verdict, context);
    default:
      return { check, summary: `${check} check failed: ${verdict.message}` };
  }
}

/** No token at all on a method the proxy leaves unsigned: the proxy did what it promised. */
function isExpectedUnsigned(verdict: TokenVerdict, method: string | undefined, signedMethods: ReadonlySet<string>): boolean {
  return verdict.code === 'TOKEN_MISSING' && method !== undefined && !signedMethods.has(method);
}

/** The code stays TOKEN_MISSING (a stable contract); `expected: false` says it is no failure. */
function expectedUnsigned(verdict: TokenVerdict, method: string, signedMethods: ReadonlySet<string>): TokenVerdict {
  const signed = [...signedMethods].join(',');
  return {
    ...verdict,
    expected: false,
    detail: {
      check: 'presence',
      summary: `unsigned, as configured: ${method} is not a signed method (MOCK_SIGNED_METHODS=${signed}, the proxy's JWT_METHODS), so the proxy sends it without a token`,
    },
  };
}

function skewOf(value: unknown, nowMs: number): number {
  return typeof value === 'number' ? Math.round(value - Math.floor(nowMs / 1000)) : 0;
}

function describeSkew(skewS: number): string {
  return skewS >= 0 ? `${skewS} s ahead of` : `${-skewS} s behind`;
}

function claimsDetail(verdict: TokenVerdict): VerdictDetail {
  let violations: { path: (string | number)[]; reason: string }[];
  try {
    const parsed = tokenClaimsSchema.safeParse(verdict.claims);
    violations = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))), reason: issue.message }));
  } catch {
    // The date refinement throws for an iat beyond the Date range.
    violations = [{ path: ['iat'], reason: 'is outside the range of dates' }];
  }
  if (violations.length === 0) violations = [{ path: [], reason: verdict.message }];
  const words = violations.map((v) => `${v.path.length === 0 ? 'claims' : v.path.join('.')} ${v.reason}`).join('; ');
  return { check: 'claims', violations, summary: `the claims break the contract: ${words}` };
}

function replayDetail(verdict: TokenVerdict, context: DiagnoseContext): VerdictDetail {
  const jti = verdict.claims?.jti;
  const first = typeof jti === 'string' ? context.firstSighting(jti) : undefined;
  if (first === undefined) {
    return { check: 'replay', summary: `${verdict.message}; its first sighting is no longer in the journal (cleared or evicted)` };
  }
  return {
    check: 'replay',
    firstSeen: { id: first.id, receivedAt: first.receivedAt },
    summary: `${verdict.message}; first seen in entry ${first.id} at ${first.receivedAt}`,
  };
}

function signatureDetail(token: string, candidates: readonly KeyCandidate[]): VerdictDetail {
  const [header = '', claims = '', signature = ''] = token.split('.');
  const expected = Buffer.from(signature, 'base64url');
  const input = `${header}.${claims}`;
  const match = candidates.find((candidate) => {
    const mac = createHmac('sha512', candidate.key).update(input).digest();
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  });
  const signatureDiagnosis: SignatureDiagnosis = {
    candidatesTried: candidates.length,
    ...(match && { verifiesWith: match.label, kind: match.kind }),
  };
  const summary =
    match === undefined
      ? `the signature verifies under none of ${candidates.length + 1} keys tried (the configured key, other encodings, stray whitespace, other keys): the signer uses another secret, or the token was altered`
      : `the signature does not verify under the configured key, but it does under ${match.label}: ${advice(match.kind)}`;
  return { check: 'signature', signature: signatureDiagnosis, summary };
}

function advice(kind: KeyCandidate['kind']): string {
  switch (kind) {
    case 'other-encoding':
      return 'the signer and the mock read JWT_SECRET in different encodings (JWT_SECRET_ENCODING)';
    case 'stray-whitespace':
      return 'the signer kept whitespace in the secret that the mock removes';
    default:
      return 'the signer uses another configured key';
  }
}

/**
 * The keys worth trying when the configured one fails: the secret's text read in
 * the other encoding, the secret with one stray space at each position (as utf8,
 * and as Node's hex decoder reads it: up to the space), and other configured keys.
 */
export function keyCandidates(options: DiagnoserOptions): KeyCandidate[] {
  const secret = options.secretEncoding === 'utf8' ? options.key.toString('utf8') : options.key.toString('hex');
  const other: SecretEncoding = options.secretEncoding === 'utf8' ? 'hex' : 'utf8';
  const found: KeyCandidate[] = [];
  const seen = new Set<string>([options.key.toString('hex')]);
  const add = (candidate: KeyCandidate): void => {
    const id = candidate.key.toString('hex');
    if (candidate.key.length === 0 || seen.has(id)) return;
    seen.add(id);
    found.push(candidate);
  };
  if (other === 'utf8' || /^(?:[0-9a-fA-F]{2})+$/.test(secret)) {
    add({ label: `JWT_SECRET read as ${other}`, kind: 'other-encoding', key: Buffer.from(secret, other) });
  }
  if (other === 'utf8') add({ label: 'JWT_SECRET read as utf8 (upper-case hex)', kind: 'other-encoding', key: Buffer.from(secret.toUpperCase(), 'utf8') });
  if (secret.length <= MAX_SCANNED_SECRET_CHARS) {
    for (let at = 0; at <= secret.length; at++) {
      const spaced = `${secret.slice(0, at)} ${secret.slice(at)}`;
      for (const encoding of ['utf8', 'hex'] as const) {
        add({ label: `JWT_SECRET read as ${encoding} with a space kept at position ${at}`, kind: 'stray-whitespace', key: Buffer.from(spaced, encoding) });
      }
    }
  }
  for (const key of options.otherKeys ?? []) add({ label: key.label, kind: 'other-key', key: key.key });
  return found;
}
