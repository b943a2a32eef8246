/**
 * The server-level listeners besides 'request': `Expect: 100-continue`, other expectations,
 * CONNECT and parse errors (what is answered to the last two is in client-errors.ts).
 */
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import { sendError } from '../http/errors.js';
import { allowedMethods } from '../http/max-forwards.js';
import { declaredBodyTooLarge } from '../http/request-head.js';
import { logRequest } from '../observe/request-log.js';
import type { Forwarder } from '../pipeline/passes.js';
import type { ClientErrorHandler } from './client-errors.js';
import { refuseConnect } from './client-errors.js';
import type { ServerConnectionLimits } from './connection-limits.js';
import type { Dispatch } from './dispatch.js';
import { isOwnEndpoint } from './own-endpoints.js';
import type { Schedule } from '../observe/clock.js';

export interface EdgeCaseDeps {
  readonly config: ProxyConfig;
  readonly logger: Logger;
  readonly forwarder: Forwarder;
  readonly caps: ServerConnectionLimits;
  readonly dispatch: Dispatch;
  readonly handleClientError: ClientErrorHandler;
  readonly schedule: Schedule;
}

export function listenForEdgeCases(server: http.Server, deps: EdgeCaseDeps): void {
  const { config, logger, forwarder, caps, dispatch, handleClientError, schedule } = deps;
  // With a listener Node no longer sends `100 Continue` itself: a body over
  // MAX_BODY_BYTES is refused before the client uploads it (RFC 9110 §10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!isOwnEndpoint(req.method, req.url) && declaredBodyTooLarge(req.headers, config.maxBodyBytes)) {
      forwarder.handle(req, res);
      return;
    }
    res.writeContinue();
    dispatch(req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    if (!caps.isRefused(req.socket)) sendError(res, 'EXPECTATION_FAILED');
  });
  const allow = allowedMethods(config.allowTrace);
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    if (caps.isRefused(req.socket)) return;
    logRequest(logger, { method: req.method, url: req.url, status: 405, code: 'CONNECT_NOT_SUPPORTED' });
    refuseConnect(socket, allow, schedule);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const code = handleClientError(err, socket);
    logger.debug({ msg: 'client error', code: code ?? err.code });
  });
}
