/**
 * MAX_BODY_BYTES: a declared Content-Length over it is refused before a byte is forwarded; a
 * chunked body, which declares no length, is counted as it streams and cut once past it.
 */
import { sendError } from '../http/errors.js';
import { declaredBodyTooLarge } from '../http/request-head.js';
import type { RequestPass, UpstreamRequestPass } from './exchange.js';
import { refuse, setOutcome } from './outcome.js';

/** undefined = no limit. */
export interface BodySizeOptions {
  readonly maxBodyBytes: number | undefined;
}

/** Request pass: 413 PAYLOAD_TOO_LARGE for a declared Content-Length over MAX_BODY_BYTES. */
export function createRefuseDeclaredBodyTooLarge(options: BodySizeOptions): RequestPass {
  const { maxBodyBytes } = options;
  return (exchange) => {
    const { req } = exchange;
    if (declaredBodyTooLarge(req.headers, maxBodyBytes)) return refuse(exchange, 'PAYLOAD_TOO_LARGE');
    // A chunked body has no declared length: it is counted as it streams (createLimitChunkedBody).
    exchange.limitBody = maxBodyBytes !== undefined && req.headers['transfer-encoding'] !== undefined;
    return false;
  };
}

/**
 * Upstream-request pass: a chunked body that grows past MAX_BODY_BYTES is cut, so the
 * upstream never sees it complete, and the client gets 413 (or an abort once a response began).
 */
export function createLimitChunkedBody(options: BodySizeOptions): UpstreamRequestPass {
  // Read only when limitBody is set, which needs a limit.
  const limit = options.maxBodyBytes as number;
  return (exchange) => {
    if (!exchange.limitBody) return;
    const { req } = exchange;
    const onData = (chunk: Buffer): void => {
      exchange.bodyBytes += chunk.length;
      if (exchange.bodyBytes <= limit) return;
      req.off('data', onData);
      setOutcome(exchange, 'PAYLOAD_TOO_LARGE');
      exchange.proxyReq?.destroy();
      req.unpipe();
      if (exchange.res.headersSent) exchange.res.destroy();
      else sendError(exchange.res, 'PAYLOAD_TOO_LARGE');
    };
    req.on('data', onData);
  };
}
