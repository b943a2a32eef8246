/**
 * The server's one 'request' listener: the refusals that precede everything, then the
 * proxy's own endpoints (origin-form GET/HEAD of /status, /healthz, /metrics and the JWKS,
 * served by Express: own-endpoints.ts) or else the forwarding pipeline (pipeline/passes.ts),
 * not through Express's router (issue #7: the router and its per-request work cost a third
 * of the throughput).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { sendError } from '../http/errors.js';
import { tooManyHeaderLines } from '../http/header-count.js';
import { logRequest, logWhenClosed } from '../observe/request-log.js';
import type { OwnEndpointGuard } from '../pipeline/authenticate.js';
import type { Forwarder } from '../pipeline/passes.js';
import type { ServerConnectionLimits } from './connection-limits.js';
import { isOpenOwnEndpoint, isOwnEndpoint } from './own-endpoints.js';
import type { ResponseTracker } from './pipelining.js';

export type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;

export interface DispatchDeps {
  readonly logger: Logger;
  readonly caps: ServerConnectionLimits;
  readonly responses: ResponseTracker;
  readonly forwarder: Forwarder;
  readonly own: Express;
  readonly isClosing: () => boolean;
  /** PROXY_AUTH (issue #24): asked before every own endpoint but /healthz and the JWKS. */
  readonly guard?: OwnEndpointGuard | undefined;
}

export function createDispatch(deps: DispatchDeps): Dispatch {
  const { logger, caps, responses, forwarder, own } = deps;
  return (req, res) => {
    // A connection over a cap is being answered 503 already; its requests are never read further.
    if (caps.isRefused(req.socket)) return;
    responses.track(req, res);
    if (tooManyHeaderLines(req.rawHeaders)) {
      logRequest(logger, { method: req.method, url: req.url, status: 431, code: 'HEADERS_TOO_LARGE' });
      sendError(res, 'HEADERS_TOO_LARGE');
      return;
    }
    // llhttp accepts `HTTP/2.0` in a request line; that is neither HTTP/2 nor HTTP/1.x,
    // and forwarding it would claim `Via: 2.0` (RFC 9112 §2.3, RFC 9110 §15.6.6).
    if (req.httpVersionMajor !== 1) {
      logRequest(logger, { method: req.method, url: req.url, status: 505, code: 'HTTP_VERSION_NOT_SUPPORTED' });
      sendError(res, 'HTTP_VERSION_NOT_SUPPORTED');
      return;
    }
    if (isOwnEndpoint(req.method, req.url) && (req.headers.host !== undefined || req.httpVersionMinor === 0)) {
      if (deps.isClosing()) res.setHeader('connection', 'close');
      let user: string | undefined;
      logWhenClosed(logger, req, res, undefined, () => user);
      if (deps.guard === undefined || isOpenOwnEndpoint(req.url)) {
        own(req as Request, res as Response);
        return;
      }
      deps.guard(req, res, (name) => {
        user = name;
        own(req as Request, res as Response);
      });
      return;
    }
    forwarder.handle(req, res);
  };
}
