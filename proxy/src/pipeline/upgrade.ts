/**
 * An Upgrade (WebSocket, h2c) is forwarded as a plain request and its connection closes after
 * the answer: llhttp stops parsing after an upgrade head, so anything pipelined behind it would
 * otherwise wait forever (issue #16).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from './exchange.js';

/** An Upgrade request is answered as a plain request, then its connection closes. */
export function closeAfterUpgrade(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.upgrade !== undefined) res.shouldKeepAlive = false;
}

/** Request pass: see closeAfterUpgrade. */
export function closeUpgradeConnection(exchange: Exchange): boolean {
  closeAfterUpgrade(exchange.req, exchange.res);
  return false;
}
