/**
 * The token settings the suites assume the servers run with: read from the
 * suite's own environment with the contract's parser, so JWT_SECRET,
 * JWT_SECRET_ENCODING, JWT_HEADER and JWT_USER mean exactly what they mean
 * to the servers (native mode passes the same environment on to them).
 */
import { EnvReader } from '../src/config-error.js';
import { readTokenConfig, type TokenConfig } from '../src/token-config.js';
import { DEFAULT_JWT_USER } from '../src/token-contract.js';

export interface SuiteTokenConfig extends TokenConfig {
  /** The `payload.user` the proxy signs for (JWT_USER, default "username"). */
  readonly user: string;
}

export function readSuiteTokenConfig(env: NodeJS.ProcessEnv = process.env): SuiteTokenConfig {
  const reader = new EnvReader(env);
  const config = readTokenConfig(reader);
  const user = reader.string('JWT_USER', DEFAULT_JWT_USER);
  reader.finish();
  return { ...config, user };
}

/** Mock verification windows (MOCK_MAX_AGE_S default 300, MOCK_CLOCK_SKEW_S default 60). */
export function readMockWindows(env: NodeJS.ProcessEnv = process.env): { maxAgeS: number; skewS: number } {
  const reader = new EnvReader(env);
  const maxAgeS = reader.integer('MOCK_MAX_AGE_S', 300, 1, 86_400 * 365, '300');
  const skewS = reader.integer('MOCK_CLOCK_SKEW_S', 60, 0, 86_400, '60');
  reader.finish();
  return { maxAgeS, skewS };
}

/** The header name in the casings a forger would try. */
export function casingsOf(header: string): string[] {
  const title = header.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
  const shouting = header.toUpperCase();
  const mixed = [...header].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
  return [...new Set([header, title, shouting, mixed])];
}
