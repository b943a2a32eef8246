/**
 * The proxy's http.Server: its options, where it listens (for loop detection), and its
 * listeners with the per-server state they share (the connection caps and the newest
 * response on each connection). It never listens itself: start.ts does.
 */
import http from 'node:http';
import https from 'node:https';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import { TLS_ALPN_PROTOCOLS, TLS_MIN_VERSION, describeTlsProblems, loadTlsMaterialSync } from '../config/tls-config.js';
import type { TlsMaterial, TlsSetting } from '../config/tls-config.js';
import { PARSER_HEADER_LINES } from '../http/header-count.js';
import type { Authenticator } from '../auth/authenticator.js';
import { ownEndpointGuardFor } from '../pipeline/authenticate.js';
import type { Forwarder } from '../pipeline/passes.js';
import type { ListenerIdentity } from '../pipeline/resolve-target.js';
import { localAddresses } from '../pipeline/resolve-target.js';
import { createClientErrorHandler } from './client-errors.js';
import type { RefusalReason } from './connection-limits.js';
import { limitConnections } from './connection-limits.js';
import { createDispatch } from './dispatch.js';
import { listenForEdgeCases } from './edge-cases.js';
import { ResponseTracker } from './pipelining.js';
import type { Schedule } from '../observe/clock.js';

/**
 * The secure-context options for a certificate, key and client CA (issue #24). With a CA the
 * server asks for a client certificate but lets a connection without one (or with one that does
 * not verify) through: the `mtls` method reads socket.authorized and answers 401/407 itself, so a
 * client of `basic` or an open own endpoint (/healthz) is never cut at the handshake.
 */
export function secureContextOptions(material: TlsMaterial) {
  return material.ca === undefined
    ? { cert: material.cert, key: material.key }
    : { cert: material.cert, key: material.key, ca: material.ca, requestCert: true, rejectUnauthorized: false };
}

/** The files as they are now; parseConfig checked them, so a problem here means they changed since. */
function readTlsMaterial(setting: TlsSetting): TlsMaterial {
  const loaded = loadTlsMaterialSync(setting);
  if ('problems' in loaded) throw new Error(`TLS files changed since the start checked them: ${describeTlsProblems(loaded.problems)}`);
  return loaded.material;
}

/** http.Server, or https.Server (an http.Server over TLS) with TLS_CERT_FILE/TLS_KEY_FILE (issue #24). */
export function createHttpServer(config: ProxyConfig): http.Server {
  const options = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // How often Node checks headersTimeout/requestTimeout (default 30 s: too coarse for slowloris).
    connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    // Checked in the pipeline instead, so the 400 carries our JSON error body.
    requireHostHeader: false,
  };
  const server =
    config.tls === undefined
      ? http.createServer(options)
      : https.createServer({
          ...options,
          ...secureContextOptions(readTlsMaterial(config.tls)),
          minVersion: TLS_MIN_VERSION,
          ALPNProtocols: [...TLS_ALPN_PROTOCOLS],
          // A handshake is bounded like a header section (Node's default: 120 s, a slowloris window).
          handshakeTimeout: config.headersTimeoutMs,
        });
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  // Issue #16: over MAX_HEADER_LINES is 431 whatever the runtime's parser does (header-count.ts).
  server.maxHeadersCount = PARSER_HEADER_LINES;
  return server;
}

/** Where the server listens, for loop detection; undefined before 'listening'. */
export function trackListener(server: http.Server): () => ListenerIdentity | undefined {
  let listener: ListenerIdentity | undefined;
  server.on('listening', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') {
      listener = { port: address.port, addresses: localAddresses(address.address) };
    }
  });
  return () => listener;
}

export interface ServerListenerDeps {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  readonly forwarder: Forwarder;
  /** The own endpoints (own-endpoints.ts). */
  readonly own: Express;
  /** Told each connection refused over a cap (a metric). */
  readonly onRefused: (reason: RefusalReason) => void;
  readonly isClosing: () => boolean;
  readonly schedule: Schedule;
  /** PROXY_AUTH's authenticator: the own endpoints but /healthz and the JWKS ask it too (issue #24). */
  readonly authenticator?: Authenticator | undefined;
}

/** Attaches every listener the proxy needs to `server`: connection caps, 'request', and the edge cases. */
export function attachListeners(server: http.Server, deps: ServerListenerDeps): void {
  const { config, logger, forwarder, schedule } = deps;
  const responses = new ResponseTracker();
  const caps = limitConnections(server, config.limits, deps.onRefused, schedule);
  const guard = ownEndpointGuardFor(config.auth, deps.authenticator);
  const dispatch = createDispatch({ logger, caps, responses, forwarder, own: deps.own, isClosing: deps.isClosing, guard });
  server.on('request', dispatch);
  const handleClientError = createClientErrorHandler(responses, schedule);
  listenForEdgeCases(server, { config, logger, forwarder, caps, dispatch, handleClientError, schedule });
}
