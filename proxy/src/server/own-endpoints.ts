/**
 * The proxy's own endpoints, served by Express: GET /status (JSON, or HTML when the
 * client prefers it), GET /healthz, GET /metrics (Prometheus) and GET
 * /.well-known/jwks.json (the public keys, issue #12). Origin-form only,
 * never counted or forwarded (dispatch.ts sends them here).
 */
import express from 'express';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { sendError } from '../http/errors.js';
import { JWKS_PATH, createJwksResponder } from '../keys/jwks.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import type { ClusterStatus, StatusCounter, StatusSnapshot } from '../observe/status.js';
import { statusHtml } from '../observe/status.js';

/** How /status and /metrics see the whole proxy: this process alone, or the cluster via the primary. */
export interface StatusSources {
  readonly status: (local: StatusSnapshot) => Promise<StatusSnapshot | ClusterStatus>;
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
}

/** This process alone (WORKERS=1); cluster workers pass sources that ask the primary. */
export function localSources(metrics: ProxyMetrics): StatusSources {
  return {
    status: async (local) => local,
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  };
}

export const OWN_ENDPOINTS: ReadonlySet<string> = new Set(['/status', '/healthz', '/metrics', JWKS_PATH]);

/** True for origin-form GET/HEAD requests to the proxy's own endpoints. */
export function isOwnEndpoint(method: string | undefined, url: string | undefined): boolean {
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || url.charCodeAt(0) !== 47) return false;
  const q = url.indexOf('?');
  return OWN_ENDPOINTS.has(q === -1 ? url : url.slice(0, q));
}

export function createOwnEndpoints(deps: {
  status: StatusCounter;
  sources: StatusSources;
  logger: Logger;
  ring: KeyRing;
}): Express {
  const { status, sources, logger, ring } = deps;
  const own = express();
  own.disable('x-powered-by');
  own.set('etag', false);
  own.get('/healthz', (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  own.get('/status', async (req: Request, res: Response) => {
    try {
      const body = await sources.status(status.snapshot());
      res.set('cache-control', 'no-store');
      if (req.accepts(['application/json', 'text/html']) === 'text/html') {
        res.type('html').send(statusHtml(body));
      } else {
        res.json(body);
      }
    } catch (err) {
      logger.warn({ msg: 'status unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });
  own.get('/metrics', async (_req: Request, res: Response) => {
    try {
      const { contentType, body } = await sources.metrics();
      res.set('cache-control', 'no-store').type(contentType).send(body);
    } catch (err) {
      logger.warn({ msg: 'metrics unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });
  const jwks = createJwksResponder(() => ring.keys);
  own.get(JWKS_PATH, (_req: Request, res: Response) => jwks(res));
  return own;
}
