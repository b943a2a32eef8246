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

/**
 * Issue #21 item 4: upstream sockets that may carry a body still arriving, as a fraction of
 * UPSTREAM_MAX_SOCKETS; the rest is left to requests whose body is complete.
 */
export const DEFAULT_UPLOAD_SOCKETS_SHARE = 3 / 4;
/** One client address may hold this fraction of UPSTREAM_UPLOAD_SOCKETS (at least one socket). */
export const DEFAULT_UPLOAD_SOCKETS_PER_CLIENT_SHARE = 1 / 8;
/** A body that finds no upload socket free is read ahead this far (nginx's client_body_buffer_size on 64-bit: 16k). */
export const DEFAULT_UPLOAD_READ_AHEAD_BYTES = 16_384;

export interface ResourceLimits {
  /** 0 = no limit. */
  readonly maxConnections: number;
  /** 0 = no limit. */
  readonly maxConnectionsPerClient: number;
  readonly upstreamMaxSockets: number;
  /** Bytes per second; 0 = no minimum. */
  readonly minBodyRateBps: number;
  readonly bodyGraceMs: number;
  /** Upstream sockets that may carry an unfinished body at once (≤ upstreamMaxSockets). */
  readonly uploadSockets: number;
  /** Of those, one client address (≤ uploadSockets). */
  readonly uploadSocketsPerClient: number;
  /** Bytes of a body read ahead while it waits for an upload socket. */
  readonly uploadReadAheadBytes: number;
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
  return Object.freeze({ maxConnections, maxConnectionsPerClient, upstreamMaxSockets, minBodyRateBps, bodyGraceMs, ...readUploadShare(env, upstreamMaxSockets) });
}

/** UPSTREAM_UPLOAD_SOCKETS(_PER_CLIENT) default to their share of the pool; each is bounded by the one above it. */
function readUploadShare(env: EnvReader, upstreamMaxSockets: number) {
  const defaultSockets = Math.max(1, Math.floor(upstreamMaxSockets * DEFAULT_UPLOAD_SOCKETS_SHARE));
  const uploadSockets = atMost(env, 'UPSTREAM_UPLOAD_SOCKETS', defaultSockets, ['UPSTREAM_MAX_SOCKETS', upstreamMaxSockets]);
  const defaultPerClient = Math.max(1, Math.floor(uploadSockets * DEFAULT_UPLOAD_SOCKETS_PER_CLIENT_SHARE));
  const uploadSocketsPerClient = atMost(env, 'UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT', defaultPerClient, [
    'UPSTREAM_UPLOAD_SOCKETS',
    uploadSockets,
  ]);
  const uploadReadAheadBytes = env.integer('UPLOAD_READ_AHEAD_BYTES', DEFAULT_UPLOAD_READ_AHEAD_BYTES, 0, 16_777_216, '16384');
  return { uploadSockets, uploadSocketsPerClient, uploadReadAheadBytes };
}

/** A positive integer that may not exceed another setting's value (named in the problem). */
function atMost(env: EnvReader, name: string, fallback: number, bound: readonly [name: string, value: number]): number {
  const value = env.integer(name, fallback, 1, 1_000_000, String(Math.min(fallback, bound[1])));
  if (value <= bound[1]) return value;
  env.problem(name, `must not exceed ${bound[0]} (${bound[1]}), got "${value}"`, String(Math.min(fallback, bound[1])));
  return Math.min(fallback, bound[1]);
}
