/**
 * Where the token is added: exactly one, signed per request, for the methods in
 * JWT_METHODS (POST by default). It runs after upstream-headers.ts has dropped whatever
 * the client sent under the token's name, so a client can neither forge nor remove it.
 *
 * It is set on req.headers before http-proxy-middleware runs, never in its 'proxyReq'
 * event, which httpxy skips for some requests (http-proxy-bridge.ts, issue #2).
 */
import type { Signer } from '../keys/signer.js';
import type { RequestPass } from './exchange.js';

export interface AddTokenOptions {
  /** JWT_HEADER, lower case. */
  readonly header: string;
  /** JWT_METHODS (default POST). */
  readonly signedMethods: ReadonlySet<string>;
  readonly sign: Signer;
  /** jwt_proxy_tokens_signed_total. */
  readonly tokensSigned: { inc(): void };
}

/** Request pass: signs a token into the upstream headers of a request whose method is signed. */
export function createAddToken(options: AddTokenOptions): RequestPass {
  const { header, signedMethods, sign, tokensSigned } = options;
  return (exchange) => {
    const { req } = exchange;
    if (!signedMethods.has(req.method as string)) return false;
    const { token, jti } = sign(exchange.user);
    req.headers[header] = token;
    exchange.jti = jti;
    tokensSigned.inc();
    return false;
  };
}
