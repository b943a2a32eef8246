/**
 * The limits that keep one client from exhausting the proxy or its upstream pool
 * (issue #16: 1,100 slow uploads of one byte every 2 s held all 1,024 upstream
 * sockets). Read once at start; each default is a named constant and each one is
 * chosen so that a legitimate request is still served while such an attack runs:
 * one address can hold at most a quarter of the upstream pool, and an upload
 * slower than the minimum rate is cut once its grace period is over.
 */
import type { EnvReader } from '../../../contracts/src/index.js';

/** Client connections one proxy process accepts at once (0 = no limit). */
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** Client connections one address (IPv4, or IPv6 /64) may hold at once (0 = no limit). */
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;
/** Sockets the proxy opens to one upstream origin at once (Node's agent queues the rest). */
export const DEFAULT_UPSTREAM_MAX_SOCKETS = 1024;
/**
 * A request body must arrive at least this fast on average once the grace period is over
 * (0 = no minimum); modelled on Apache mod_reqtimeout's `body=…,MinRate=…`.
 */
export const DEFAULT_MIN_BODY_RATE_BPS = 1024;
/** How long a body may take before the minimum rate applies: each MIN_BODY_RATE_BPS bytes buys one more second. */
export const DEFAULT_BODY_GRACE_MS = 10_000;

export interface ResourceLimits {
  /** 0 = no limit. */
  readonly maxConnections: number;
  /** 0 = no limit. */
  readonly maxConnectionsPerClient: number;
  readonly upstreamMaxSockets: number;
  /** Bytes per second; 0 = no minimum. */
  readonly minBodyRateBps: number;
  readonly bodyGraceMs: number;
}

const MAX_MS = 86_400_000;

/** Reads the limits (problems go to `env`, reported with the rest of the configuration). */
export function readResourceLimits(env: EnvReader): ResourceLimits {
  const maxConnections = env.integer('MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 0, 1_000_000, '4096');
  const maxConnectionsPerClient = env.integer(
    'MAX_CONNECTIONS_PER_CLIENT',
    DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
    0,
    1_000_000,
    '256',
  );
  const upstreamMaxSockets = env.integer('UPSTREAM_MAX_SOCKETS', DEFAULT_UPSTREAM_MAX_SOCKETS, 1, 1_000_000, '1024');
  const minBodyRateBps = env.integer('MIN_BODY_RATE_BPS', DEFAULT_MIN_BODY_RATE_BPS, 0, 1_000_000_000, '1024');
  const bodyGraceMs = env.integer('BODY_GRACE_MS', DEFAULT_BODY_GRACE_MS, 1, MAX_MS, '10000');
  return Object.freeze({ maxConnections, maxConnectionsPerClient, upstreamMaxSockets, minBodyRateBps, bodyGraceMs });
}
