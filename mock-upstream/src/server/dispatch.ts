/**
 * Which path goes where, in order:
 *   /healthz      -> {"status":"ok"}
 *   /__mock/...   -> Host check (MOCK_ALLOWED_HOSTS) -> own-origin check (http/cross-site-guard.ts)
 *                 -> page, journal API, stubs, SSE (api/routes.ts; never recorded)
 *   anything else -> recorded and answered (record/record-request.ts)
 * A handler that throws gets 500 INTERNAL, or its socket destroyed once the head is out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequest } from '../api/routes.js';
import type { Logger } from '../config/logger.js';
import { sendError, sendJson } from '../http/errors.js';
import { crossSiteProblem } from '../http/cross-site-guard.js';
import { hostAllowed } from '../http/host-guard.js';
import type { AllowedHosts } from '../http/host-guard.js';
import type { RecordRequest } from '../record/record-request.js';

const MOCK_PREFIX = '/__mock/';

export interface DispatchOptions {
  readonly allowedHosts: AllowedHosts;
  readonly handleApi: (call: ApiRequest) => Promise<void>;
  readonly recordRequest: RecordRequest;
  readonly logger: Logger;
}

/** The server's `request` listener. */
export function createDispatch(options: DispatchOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger } = options;
  return (req, res) => {
    dispatch(options, req, res).catch((error: unknown) => {
      if (req.readableAborted || res.destroyed) {
        logger.debug({ err: error }, 'client went away');
      } else {
        logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
        if (!res.headersSent) sendError(res, 'INTERNAL');
        else res.destroy();
      }
    });
  };
}

async function dispatch(options: DispatchOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const method = req.method ?? 'GET';

  if (path === '/healthz') {
    health(req, res, method);
    return;
  }
  if (path === '/__mock' || path.startsWith(MOCK_PREFIX)) {
    if (!hostAllowed(req.headers.host, options.allowedHosts)) {
      req.resume();
      sendError(res, 'HOST_NOT_ALLOWED', `Host ${JSON.stringify(req.headers.host)} is not in MOCK_ALLOWED_HOSTS (DNS rebinding guard)`);
      return;
    }
    const crossSite = crossSiteProblem(req, method);
    if (crossSite !== undefined) {
      req.resume();
      sendError(res, 'CROSS_SITE_REFUSED', crossSite);
      return;
    }
    if (path === '/__mock') {
      req.resume();
      res.writeHead(308, { location: MOCK_PREFIX, 'content-length': 0 }).end();
      return;
    }
    await options.handleApi({ req, res, method, route: path.slice(MOCK_PREFIX.length), query });
    return;
  }
  await options.recordRequest(req, res, { url, path, query, method });
}

function health(req: IncomingMessage, res: ServerResponse, method: string): void {
  req.resume();
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendError(res, 'METHOD_NOT_ALLOWED', 'use GET or HEAD');
    return;
  }
  sendJson(res, 200, { status: 'ok' });
}
