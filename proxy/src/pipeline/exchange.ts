/**
 * One forwarded request's state, shared by the passes (passes.ts lists them). It holds
 * per-request state only: what a pass needs besides is given to it when it is built.
 * It hangs off the incoming request under a symbol, so http-proxy-middleware's
 * events, which hand back only (req, res), find it again.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { OutcomeCode } from '../http/errors.js';
import type { Timer } from '../observe/clock.js';
import type { ResolvedTarget } from './resolve-target.js';

/** A request pass: true when it answered the client (the pipeline stops there). */
export type RequestPass = (exchange: Exchange) => boolean;
/** An upstream-request pass: the ClientRequest exists, its head is not written yet. */
export type UpstreamRequestPass = (exchange: Exchange, proxyReq: ClientRequest) => void;

/** The upload-rate watch on a body still arriving (upload-rate.ts); paused while the proxy does not read it. */
export interface UploadWatch {
  /** Stops watching (the body ended, or the request is over). */
  readonly stop: () => void;
  /** The proxy stopped reading this body: its windows do not count until `resume`. */
  readonly pause: () => void;
  /** The proxy reads the body again: a fresh window starts now. */
  readonly resume: () => void;
}

export class Exchange {
  /** The forwarder's monotonic clock at arrival (ms). */
  readonly startedAt: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The clock when the upstream response head arrived; -1 before. */
  upstreamAt = -1;
  /** The first reason this request did not simply succeed: set only through setOutcome (outcome.ts). */
  outcome: OutcomeCode | undefined = undefined;
  resolved: ResolvedTarget | undefined = undefined;
  /** The upstream request, once http-proxy-middleware has made it. */
  proxyReq: ClientRequest | undefined = undefined;
  /** The one upstream timer: set, refreshed and cleared only in upstream-timeout.ts. */
  watchdog: Timer | undefined = undefined;
  /** Upstream socket bytes (read + written) at the watchdog's last look. */
  progress = 0;
  /** Body bytes seen so far, counted only for a chunked body under MAX_BODY_BYTES (body-size.ts). */
  bodyBytes = 0;
  limitBody = false;
  /** Set by upload-rate.ts for a body still arriving; upload-admission.ts pauses it while it holds the body back. */
  uploadWatch: UploadWatch | undefined = undefined;
  /** The jti of the token the proxy added (logged: it matches the mock's journal entry; not secret). */
  jti: string | undefined = undefined;
  /** The authenticated name (PROXY_AUTH, issue #24): signed as payload.user; undefined signs JWT_USER. */
  user: string | undefined = undefined;
  /** PROXY_IDENTITY_HEADER's value, kept only when the peer is trusted (authenticate.ts). */
  identity: string | undefined = undefined;

  constructor(startedAt: number, req: IncomingMessage, res: ServerResponse) {
    this.startedAt = startedAt;
    this.req = req;
    this.res = res;
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
