/**
 * createApp builds the proxy and never listens (start.ts does): the key ring and signer,
 * the counters and metrics, the forwarding pipeline (pipeline/passes.ts) and the
 * http.Server with its listeners (server/http-server.ts, which dispatches between the
 * own endpoints and the pipeline in server/dispatch.ts).
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import type { ProxyConfig } from './config/config.js';
import type { ProxyMetrics } from './observe/metrics.js';
import { createMetrics, setSigningKey } from './observe/metrics.js';
import { createForwarder } from './pipeline/passes.js';
import type { Timers } from './observe/clock.js';
import { scheduleOn, systemTimers } from './observe/clock.js';
import { StatusCounter } from './observe/status.js';
import { KeyRing } from './keys/key-ring.js';
import { createKeyReloader } from './keys/key-reload.js';
import type { KeyReloader } from './keys/key-reload.js';
import { createSigner } from './keys/signer.js';
import { createAuthenticator } from './auth/authenticator.js';
import type { Authenticator } from './auth/authenticator.js';
import { createUsersReloader } from './auth/users-file.js';
import { closeGracefully } from './server/drain.js';
import { attachListeners, createHttpServer, trackListener } from './server/http-server.js';
import { createOwnEndpoints, localSources } from './server/own-endpoints.js';
import { createTlsReloader } from './server/tls-reload.js';
import type { StatusSources } from './server/own-endpoints.js';

export interface AppDeps {
  readonly config: ProxyConfig;
  /** Epoch milliseconds (token iat, startedAt, uptime). */
  readonly now: () => number;
  /** Token nonce: crypto.randomUUID in production, a counter in tests. */
  readonly randomId: () => string;
  readonly logger: Logger;
  /** Cluster workers pass sources that ask the primary; default: this process. */
  readonly sources?: StatusSources;
  /** prom-client's process metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** The monotonic clock (durations, the upload-rate deadline); default performance.now. */
  readonly monotonicNow?: () => number;
  /** Every timer: upstream timeout, upload rate, socket linger, shutdown grace; default Node's. */
  readonly timers?: Timers;
}

export interface ProxyApp {
  readonly server: http.Server;
  readonly status: StatusCounter;
  readonly metrics: ProxyMetrics;
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then cuts the rest. */
  readonly close: (graceMs: number) => Promise<void>;
  /**
   * SIGHUP: re-reads JWT_KEYS_FILE (issue #12) and every other reloader (PROXY_USERS_FILE, issue
   * #24); a bad file keeps the old contents. Resolves with the keys' outcome.
   */
  readonly reloadKeys: KeyReloader;
  /**
   * What SIGHUP does: every reloader in turn, each keeping its old state on a bad file
   * (keys, then the TLS certificate, issue #24). One line per reloadable thing.
   */
  readonly reload: () => Promise<void>;
}

export function createApp(deps: AppDeps): ProxyApp {
  const { config, now, randomId, logger } = deps;
  const timers = deps.timers ?? systemTimers;
  const schedule = scheduleOn(timers);
  const status = new StatusCounter(now);
  const metrics = createMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const ring = new KeyRing(config.keys);
  setSigningKey(metrics, ring.current.kid, ring.current.alg);
  const sources = deps.sources ?? localSources(metrics);
  const server = createHttpServer(config);
  let closing = false;
  const closeIdle = (): void => server.closeIdleConnections();
  const authenticator = createAuthenticatorFor(config, metrics, deps.monotonicNow ?? performance.now.bind(performance));
  const forwarder = createForwarder({
    config,
    sign: createSigner({ keys: ring, user: config.user, profile: config.profile, now, randomId }),
    metrics,
    status,
    logger,
    listener: trackListener(server),
    isClosing: () => closing,
    onRequestDone: () => {
      if (closing) setImmediate(closeIdle);
    },
    now: deps.monotonicNow,
    timers,
    ...(authenticator !== undefined && { authenticator }),
  });
  attachListeners(server, {
    config,
    logger,
    forwarder,
    own: createOwnEndpoints({ status, sources, logger, ring, config, metrics }),
    onRefused: (reason) => metrics.connectionsRefused.add(reason),
    isClosing: () => closing,
    schedule,
    authenticator,
  });

  async function close(graceMs: number): Promise<void> {
    closing = true;
    await closeGracefully(server, graceMs, schedule);
    forwarder.destroy();
    await authenticator?.close();
  }

  const reloadKeys = createKeyReloader(ring, metrics, logger);
  // What a SIGHUP re-reads, in order, each logging its own line: keys, the certificate, the users file.
  const reloaders: (() => Promise<unknown>)[] = [reloadKeys, createTlsReloader(server, config.tls, logger)];
  if (authenticator?.usersFile !== undefined) reloaders.push(createUsersReloader(authenticator.usersFile, logger));
  const reload = async (): Promise<void> => {
    for (const reloader of reloaders) await reloader();
  };
  return { server, status, metrics, close, reloadKeys, reload };
}

/** PROXY_AUTH's authenticator, counting into /metrics; undefined without PROXY_AUTH (issue #24). */
function createAuthenticatorFor(config: ProxyConfig, metrics: ProxyMetrics, now: () => number): Authenticator | undefined {
  if (config.auth === undefined) return undefined;
  return createAuthenticator({ config: config.auth, now, count: (method, result) => metrics.auth.add(method, result) });
}
