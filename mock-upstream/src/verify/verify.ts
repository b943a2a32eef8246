/**
 * Independent verification of the proxy's token (issue #3): runs TOKEN_CHECKS (checks.ts) in
 * order and stops at the first that fails, so each failure maps to exactly one VerdictCode.
 *
 * The decoded header and claims are returned whenever they decode, valid or not,
 * so a person can see what was sent.
 */
import { VERDICT_DESCRIPTIONS } from '../../../contracts/src/index.js';
import type { SetKey, TokenVerdict } from '../../../contracts/src/index.js';
export type { TokenVerdict } from '../../../contracts/src/index.js';
import { TOKEN_CHECKS, TokenUnderCheck } from './checks.js';
import type { CheckSettings } from './checks.js';
import type { ReplayCache } from './replay-cache.js';
import { createMockKeys } from './verify-keys.js';
import type { MockKeys } from './verify-keys.js';

export interface VerifierOptions {
  /** HMAC key bytes (contracts' readTokenConfig): verifies tokens without a kid. */
  readonly key: Buffer;
  /** MOCK_KEYS_FILE's keys (issue #12). */
  readonly fileKeys?: readonly SetKey[];
  /** MOCK_JWKS_URL (issue #12). */
  readonly jwksUrl?: URL;
  readonly jwksCooldownMs?: number;
  /** MOCK_ISSUER: `iss` must equal it; unset: not checked. */
  readonly issuer?: string;
  /** MOCK_AUDIENCE: `aud` must name one of these; unset: not checked. */
  readonly audiences?: readonly string[];
  readonly clockSkewS: number;
  readonly maxAgeS: number;
  readonly replay: ReplayCache;
}

/** The verifier and the keys it chooses from (a diagnosis may try the others). */
export type Verifier = ((values: readonly string[], nowMs: number) => Promise<TokenVerdict>) & { readonly keys: MockKeys };

export function createVerifier(options: VerifierOptions): Verifier {
  const keys = createMockKeys({
    secret: options.key,
    ...(options.fileKeys && { fileKeys: options.fileKeys }),
    ...(options.jwksUrl && { jwksUrl: options.jwksUrl }),
    ...(options.jwksCooldownMs !== undefined && { jwksCooldownMs: options.jwksCooldownMs }),
  });
  const settings: CheckSettings = {
    keys,
    clockSkewS: options.clockSkewS,
    maxAgeS: options.maxAgeS,
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audiences !== undefined && { audiences: options.audiences }),
    replay: options.replay,
  };

  const verifier = async (values: readonly string[], nowMs: number): Promise<TokenVerdict> => {
    const token = new TokenUnderCheck(values, nowMs);
    for (const check of TOKEN_CHECKS) {
      const problem = await check.run(token, settings);
      if (problem !== undefined) {
        const [code, message] = problem;
        return { present: values.length > 0, valid: false, code, message, ...token.decoded };
      }
    }
    return { present: true, valid: true, code: 'TOKEN_VALID', message: VERDICT_DESCRIPTIONS.TOKEN_VALID, ...token.decoded };
  };
  return Object.assign(verifier, { keys });
}
