/**
 * The proxy's own endpoints, served by Express: GET /status (JSON, or the live page when the
 * client prefers HTML), the page's files and its data under /status/ (issue 23), GET /healthz,
 * GET /metrics (Prometheus) and GET /.well-known/jwks.json (the public keys, issue #12).
 * Origin-form only, never counted or forwarded (dispatch.ts sends them here).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express from 'express';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import { sendError } from '../http/errors.js';
import { JWKS_PATH, createJwksResponder } from '../keys/jwks.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import type { ClusterStatus, StatusCounter, StatusSnapshot } from '../observe/status.js';
import { STATUS_ASSETS, STATUS_PAGE_CSP, statusHtml } from '../observe/status-page.js';
import type { StatusDetails } from '../observe/status-page.js';
import { STATUS_PAGE_CSS, STATUS_PAGE_JS } from '../observe/status-page-assets.js';

/** How /status and /metrics see the whole proxy: this process alone, or the cluster via the primary. */
export interface StatusSources {
  readonly status: (local: StatusSnapshot) => Promise<StatusSnapshot | ClusterStatus>;
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
}

/** This process alone (WORKERS=1); cluster workers pass sources that ask the primary. */
export function localSources(metrics: ProxyMetrics): StatusSources {
  return {
    status: async (local) => local,
    metrics: async () => {
      const registry = await metrics.registry();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export const OWN_ENDPOINTS: ReadonlySet<string> = new Set([
  '/status',
  '/healthz',
  '/metrics',
  JWKS_PATH,
  // Exact paths: anything else under /status/ is forwarded, as before (issue 23).
  ...Object.values(STATUS_ASSETS),
]);

/**
 * The own endpoints that stay open under PROXY_AUTH (issue #24): probes call /healthz without a
 * credential, and the JWKS holds public keys that verifiers fetch. The rest carry the traffic,
 * the configuration and the upstream's name, so they ask what the forwarded requests ask.
 */
const OPEN_OWN_ENDPOINTS: ReadonlySet<string> = new Set(['/healthz', JWKS_PATH]);

/** True for an own endpoint (isOwnEndpoint) that PROXY_AUTH leaves open. */
export function isOpenOwnEndpoint(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  return OPEN_OWN_ENDPOINTS.has(q === -1 ? url : url.slice(0, q));
}

/** True for origin-form GET/HEAD requests to the proxy's own endpoints. */
export function isOwnEndpoint(method: string | undefined, url: string | undefined): boolean {
  if ((method !== 'GET' && method !== 'HEAD') || url === undefined || url.charCodeAt(0) !== 47) return false;
  const q = url.indexOf('?');
  return OWN_ENDPOINTS.has(q === -1 ? url : url.slice(0, q));
}

export interface OwnEndpointDeps {
  readonly status: StatusCounter;
  readonly sources: StatusSources;
  readonly logger: Logger;
  readonly ring: KeyRing;
  readonly config: Pick<ProxyConfig, 'upstream' | 'allowedHosts' | 'signedMethods'>;
  readonly metrics: Pick<ProxyMetrics, 'tokensSigned'>;
}

export function createOwnEndpoints(deps: OwnEndpointDeps): Express {
  const { status, sources, logger } = deps;
  const own = express();
  own.disable('x-powered-by');
  own.set('etag', false);
  own.get('/healthz', (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  const details = createStatusDetails(deps);
  own.get('/status', async (req: Request, res: Response) => {
    try {
      const body = await sources.status(status.snapshot());
      res.set('cache-control', 'no-store');
      if (req.accepts(['application/json', 'text/html']) === 'text/html') {
        res.set('content-security-policy', STATUS_PAGE_CSP).type('html').send(statusHtml(body, await details()));
      } else {
        res.json(body);
      }
    } catch (err) {
      logger.warn({ msg: 'status unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });
  addStatusPageFiles(own, details);
  own.get('/metrics', async (_req: Request, res: Response) => {
    try {
      const { contentType, body } = await sources.metrics();
      res.set('cache-control', 'no-store').type(contentType).send(body);
    } catch (err) {
      logger.warn({ msg: 'metrics unavailable', err: err instanceof Error ? err.message : String(err) });
      sendError(res, 'CLUSTER_UNAVAILABLE');
    }
  });
  const jwks = createJwksResponder(() => deps.ring.keys);
  own.get(JWKS_PATH, (_req: Request, res: Response) => jwks(res));
  return own;
}

/** This process's traffic and the setup the page names; the series is per process (see README). */
function createStatusDetails(deps: OwnEndpointDeps): () => Promise<StatusDetails> {
  const { config, ring, status } = deps;
  const mode = Object.freeze({
    reverse: config.upstream.href,
    forward: config.allowedHosts.map((pattern) => pattern.source),
  });
  const signedMethods = Object.freeze([...config.signedMethods]);
  return async () => {
    return {
      pid: process.pid,
      tokensSigned: deps.metrics.tokensSigned.value,
      signingKey: { kid: ring.current.kid ?? null, alg: ring.current.alg },
      mode,
      signedMethods,
      traffic: status.traffic.series(),
    };
  };
}

interface StaticFile {
  readonly type: string;
  readonly body: string | Buffer;
}

let uplotFiles: { readonly script: StaticFile; readonly style: StaticFile } | undefined;

/** uPlot from node_modules (a pinned dependency), read once: the page never loads a CDN (issue 23). */
function uplot(): { readonly script: StaticFile; readonly style: StaticFile } {
  if (uplotFiles === undefined) {
    const require = createRequire(import.meta.url);
    uplotFiles = {
      script: { type: 'text/javascript; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) },
      style: { type: 'text/css; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) },
    };
  }
  return uplotFiles;
}

function sendFile(res: Response, file: StaticFile): void {
  res.set({ 'cache-control': 'max-age=300', 'x-content-type-options': 'nosniff' }).type(file.type).send(file.body);
}

/** The page's data (GET /status/series, JSON) and files (script, style, uPlot). */
function addStatusPageFiles(own: Express, details: () => Promise<StatusDetails>): void {
  const files = uplot();
  own.get(STATUS_ASSETS.series, async (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json(await details());
  });
  own.get(STATUS_ASSETS.script, (_req: Request, res: Response) =>
    sendFile(res, { type: 'text/javascript; charset=utf-8', body: STATUS_PAGE_JS }),
  );
  own.get(STATUS_ASSETS.style, (_req: Request, res: Response) => sendFile(res, { type: 'text/css; charset=utf-8', body: STATUS_PAGE_CSS }));
  own.get(STATUS_ASSETS.uplotScript, (_req: Request, res: Response) => sendFile(res, files.script));
  own.get(STATUS_ASSETS.uplotStyle, (_req: Request, res: Response) => sendFile(res, files.style));
}
