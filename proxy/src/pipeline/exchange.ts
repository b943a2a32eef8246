/**
 * One forwarded request's state, shared by the passes (pipeline.ts lists them).
 * It hangs off the incoming request under a symbol, so http-proxy-middleware's
 * events, which hand back only (req, res), find it again.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/config.js';
import type { HttpProxyTarget, ListenerIdentity, ResolvedTarget } from './resolve-target.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import type { OutcomeCode } from '../http/errors.js';
import type { RequestCounter } from '../observe/request-counter.js';
import type { StatusCounter } from '../observe/status.js';
import type { Signer } from '../keys/signer.js';

/** Built once per forwarder: what every pass may read. */
export interface PipelineContext {
  readonly config: ProxyConfig;
  readonly sign: Signer;
  readonly metrics: ProxyMetrics;
  readonly status: StatusCounter;
  readonly logger: Logger;
  readonly counter: RequestCounter;
  /** The reverse-mode upstream as http-proxy-middleware's target, built once. */
  readonly reverse: HttpProxyTarget;
  /** Request fields never copied upstream besides the hop-by-hop ones (upstream-headers.ts). */
  readonly dropped: ReadonlySet<string>;
  /** The `Allow` value for TRACE/OPTIONS answers and 405s. */
  readonly allow: string;
  /** Where the server listens (for loop detection); undefined before listen. */
  readonly listener: () => ListenerIdentity | undefined;
  /** True while draining: responses close their connection. */
  readonly isClosing: () => boolean;
  /** Called after each forwarded response closes. */
  readonly onRequestDone: () => void;
  /** Hands the prepared request to http-proxy-middleware (http-proxy-bridge.ts). */
  readonly sendUpstream: (exchange: Exchange) => void;
}

export class Exchange {
  readonly startedAt: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ctx: PipelineContext;
  /** performance.now() when the upstream response head arrived; -1 before. */
  upstreamAt = -1;
  /** The first reason this request did not simply succeed: set only through setOutcome (outcome.ts). */
  outcome: OutcomeCode | undefined = undefined;
  resolved: ResolvedTarget | undefined = undefined;
  /** The upstream request, once http-proxy-middleware has made it. */
  proxyReq: ClientRequest | undefined = undefined;
  /** The one upstream timer (upstream-timeout.ts). */
  watchdog: NodeJS.Timeout | undefined = undefined;
  /** Upstream socket bytes (read + written) at the watchdog's last look. */
  progress = 0;
  /** Body bytes seen so far, counted only for a chunked body under MAX_BODY_BYTES. */
  bodyBytes = 0;
  limitBody = false;
  /** The jti of the token the proxy added (logged: it matches the mock's journal entry; not secret). */
  jti: string | undefined = undefined;

  /** Stops the upstream timer (the upstream exchange is over, or failed). */
  clearWatchdog(): void {
    if (this.watchdog !== undefined) {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
    }
  }

  constructor(startedAt: number, req: IncomingMessage, res: ServerResponse, ctx: PipelineContext) {
    this.startedAt = startedAt;
    this.req = req;
    this.res = res;
    this.ctx = ctx;
  }
}

const kExchange = Symbol('jwt-proxy.exchange');
interface WithExchange {
  [kExchange]?: Exchange;
}

export function attachExchange(target: object, exchange: Exchange): void {
  (target as WithExchange)[kExchange] = exchange;
}

export function exchangeOf(target: object): Exchange | undefined {
  return (target as WithExchange)[kExchange];
}
