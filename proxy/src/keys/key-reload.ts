/**
 * What a SIGHUP does (issue #12): re-read JWT_KEYS_FILE into the ring, count
 * it in /metrics and log one line. A failed reload keeps the old keys and logs
 * one error with the reason (never key material: jwk-set.ts names keys by index
 * and kid only). start.ts wires the signal; under WORKERS the primary relays it to
 * every worker (cluster.ts MSG.RELOAD_KEYS), each of which runs this.
 */
import type { Logger } from 'pino';
import type { KeyRing, ReloadOutcome } from './key-ring.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import { setSigningKey } from '../observe/metrics.js';

/** Resolves once the file is read and the outcome logged; never rejects. */
export type KeyReloader = () => Promise<ReloadOutcome>;

export function createKeyReloader(ring: KeyRing, metrics: ProxyMetrics, logger: Logger): KeyReloader {
  return async () => {
    const outcome = await ring.reload().catch((error: unknown): ReloadOutcome => ({
      result: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      kid: ring.current.kid,
    }));
    switch (outcome.result) {
      case 'reloaded':
        metrics.keyReloads.inc();
        setSigningKey(metrics, ring.current.kid, ring.current.alg);
        logger.info({ msg: 'keys reloaded', kid: outcome.kid, keys: outcome.keys });
        break;
      case 'failed':
        metrics.keyReloadFailures.inc();
        logger.error({ msg: 'key reload failed, keeping the old keys', reason: outcome.reason, kid: outcome.kid });
        break;
      case 'no-file':
        logger.info({ msg: 'SIGHUP ignored: no JWT_KEYS_FILE to reload' });
        break;
    }
    return outcome;
  };
}
