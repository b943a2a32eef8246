/**
 * Client authentication in the pipeline (issue #24); the methods live in auth/authenticator.ts.
 *
 * - takeIdentityHeader runs first: PROXY_IDENTITY_HEADER (and its `_` look-alike) is removed
 *   from every request before any other pass reads the headers. Its value is kept on the
 *   exchange only when the connection comes from PROXY_TRUSTED_PEERS. It is never forwarded:
 *   the upstream learns the name from the signed `payload.user`, so a client cannot spoof it
 *   to an upstream that also reads the header.
 * - authenticate runs right after resolve-upstream.ts (it needs the mode: 407 or 401) and
 *   before anything that signs. A request it refuses is never signed nor forwarded. When bcrypt
 *   must run, the pass answers "taken" and resumes the passes after it once the check is done.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, AuthOutcome } from '../auth/authenticator.js';
import { isBasic } from '../auth/basic.js';
import type { PeerTrust } from '../auth/trusted-peers.js';
import { createPeerTrust } from '../auth/trusted-peers.js';
import type { AuthConfig } from '../config/auth-config.js';
import { sendError } from '../http/errors.js';
import { clientKey } from './client-key.js';
import type { Exchange, RequestPass } from './exchange.js';
import { refuse } from './outcome.js';

/** Removes the identity header (and its `_` look-alike) from `req`; its value only from a trusted peer. */
type TakeIdentity = (req: IncomingMessage) => string | undefined;

function createTakeIdentity(header: string, trusted: PeerTrust): TakeIdentity {
  const lookAlike = header.replaceAll('-', '_');
  return (req) => {
    const headers = req.headers;
    const value = headers[header];
    if (value === undefined && headers[lookAlike] === undefined) return undefined;
    Reflect.deleteProperty(headers, header);
    Reflect.deleteProperty(headers, lookAlike);
    return value !== undefined && trusted(req.socket.remoteAddress) ? identityOf(req, header) : undefined;
  };
}

/** Request pass: removes the identity header; keeps its value only from a trusted peer. */
export function createTakeIdentityHeader(header: string, trusted: PeerTrust): RequestPass {
  const take = createTakeIdentity(header, trusted);
  return (exchange) => {
    const identity = take(exchange.req);
    if (identity !== undefined) exchange.identity = identity;
    return false;
  };
}

/**
 * The header's one value as UTF-8 (Node decodes field values as latin1): a repeated header
 * gives '' (refused as an invalid name), since which copy names the user would be a guess.
 */
function identityOf(req: IncomingMessage, header: string): string {
  const values = req.headersDistinct[header] ?? [];
  if (values.length !== 1) return '';
  const bytes = Buffer.from(values[0] as string, 'latin1');
  const text = bytes.toString('utf8');
  // Not UTF-8: the replacement character would sign a name nobody sent, so the name is refused.
  return text.includes('\ufffd') ? '' : text;
}

export interface AuthenticateOptions {
  readonly authenticator: Authenticator;
  /** Runs the passes after this one, for a request whose check finished later. */
  readonly resume: (exchange: Exchange) => void;
}

/** Request pass: the authenticated name on the exchange, or 401/407/403/429/503. */
export function createAuthenticate(options: AuthenticateOptions): RequestPass {
  const { authenticator, resume } = options;
  const apply = (exchange: Exchange, outcome: AuthOutcome): boolean => {
    const { req } = exchange;
    // Reverse mode: a Basic Authorization is the proxy's credential, whatever decided; never forwarded.
    if (authenticator.basicInAuthorization && exchange.resolved?.mode !== 'forward' && req.headers.authorization !== undefined && isBasic(req.headers.authorization)) {
      // Set to undefined, not deleted: a delete turns the headers object into a slow dictionary for
      // the rest of the request (endToEndCopy skips undefined values, so it is still never forwarded).
      req.headers.authorization = undefined;
    }
    if (!outcome.ok) return refuse(exchange, outcome.code, outcome.headers);
    exchange.user = outcome.user;
    return false;
  };
  return (exchange) => {
    const { req, res } = exchange;
    const outcome = authenticator.authenticate({
      forward: exchange.resolved?.mode === 'forward',
      headers: req.headers,
      socket: req.socket,
      client: clientKey(req.socket.remoteAddress),
      identity: exchange.identity,
    });
    if (!(outcome instanceof Promise)) return apply(exchange, outcome);
    void outcome.then((settled) => {
      // The client went away or was answered (a timeout) while bcrypt ran.
      if (res.writableEnded || res.destroyed) return;
      if (!apply(exchange, settled)) resume(exchange);
    });
    return true;
  };
}

/**
 * Asks the authenticator before an own endpoint answers; `serve` gets the authenticated name.
 * A refusal is answered here (401 with the Basic challenge, 403, 429, 503), never served.
 */
export type OwnEndpointGuard = (req: IncomingMessage, res: ServerResponse, serve: (user: string) => void) => void;

export interface OwnEndpointGuardOptions {
  readonly authenticator: Authenticator;
  /** PROXY_IDENTITY_HEADER and PROXY_TRUSTED_PEERS, when `header` is configured. */
  readonly identity?: { readonly header: string; readonly trusted: PeerTrust };
}

/**
 * The same authenticator as the forwarded requests (issue #24): /status and /metrics carry the
 * traffic, the configuration and the upstream's name. Own endpoints are origin-form, so the
 * reverse-mode rules apply: Authorization: Basic, answered 401 + WWW-Authenticate (RFC 9110 §11.6.1).
 */
export function createOwnEndpointGuard(options: OwnEndpointGuardOptions): OwnEndpointGuard {
  const { authenticator } = options;
  const take = options.identity === undefined ? undefined : createTakeIdentity(options.identity.header, options.identity.trusted);
  const apply = (res: ServerResponse, outcome: AuthOutcome, serve: (user: string) => void): void => {
    if (outcome.ok) serve(outcome.user);
    else sendError(res, outcome.code, outcome.headers === undefined ? undefined : { headers: outcome.headers });
  };
  return (req, res, serve) => {
    const outcome = authenticator.authenticate({
      forward: false,
      headers: req.headers,
      socket: req.socket,
      client: clientKey(req.socket.remoteAddress),
      identity: take?.(req),
    });
    if (!(outcome instanceof Promise)) {
      apply(res, outcome, serve);
      return;
    }
    void outcome.then((settled) => {
      // The client went away while bcrypt ran.
      if (!res.writableEnded && !res.destroyed) apply(res, settled, serve);
    });
  };
}

/** The own endpoints' guard for PROXY_AUTH; undefined without it (every own endpoint open, as before). */
export function ownEndpointGuardFor(auth: AuthConfig | undefined, authenticator: Authenticator | undefined): OwnEndpointGuard | undefined {
  if (auth === undefined || authenticator === undefined) return undefined;
  const header = auth.identityHeader;
  return createOwnEndpointGuard({
    authenticator,
    ...(header !== undefined && { identity: { header, trusted: createPeerTrust(auth.trustedPeers) } }),
  });
}
