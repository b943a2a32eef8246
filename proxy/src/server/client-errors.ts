/**
 * What the server answers before a request reaches the pipeline. Node's parser (llhttp)
 * refuses Content-Length with Transfer-Encoding, duplicate or conflicting lengths and `chunked`
 * not last (request smuggling, RFC 9112 §6.1/§6.3); those arrive here as 'clientError' and are
 * answered 400 with the connection closed. CONNECT is refused here too.
 * (What llhttp accepts but an intermediary must not is in http/request-head.ts.)
 */
import type { Duplex } from 'node:stream';
import type { ProxyErrorCode } from '../http/errors.js';
import { sendError } from '../http/errors.js';
import { responseStartedOn } from './node-http-internals.js';
import type { ResponseTracker } from './pipelining.js';
import type { Schedule } from '../observe/clock.js';
import { destroyAfterLinger } from './timers.js';

/** Maps a parser/socket error on a client connection to the answer it deserves (undefined = just close). */
export function clientErrorCode(err: { readonly code?: string }): ProxyErrorCode | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return 'REQUEST_TIMEOUT';
    default:
      return 'BAD_REQUEST';
  }
}

export type ClientErrorHandler = (err: Error & { code?: string }, socket: Duplex) => ProxyErrorCode | undefined;

/**
 * The server's 'clientError' listener: answer 400/408/431 when nothing was sent on
 * this connection yet, then close. Never throws (a malformed request must not crash us).
 * `responses` is the server's own tracker; `schedule` runs the linger timer.
 */
export function createClientErrorHandler(responses: ResponseTracker, schedule: Schedule): ClientErrorHandler {
  return (err, socket) => {
    const code = clientErrorCode(err);
    // RFC 9112 §9.6 (issue #16): bad bytes behind requests still being answered end the
    // connection after those answers; a raw 400 written over them would tell the client that a
    // request failed which may already have run upstream.
    if (err.code?.startsWith('HPE_') === true && responses.closeAfterOpen(socket, () => endSoon(socket, schedule))) {
      return code;
    }
    if (code !== undefined && socket.writable && !responseStartedOn(socket)) sendError(socket, code);
    // The server socket is half-open capable: end() alone waits for the client's FIN.
    if (!socket.destroyed) destroyAfterLinger(socket, schedule);
    return code;
  };
}

function endSoon(socket: Duplex, schedule: Schedule): void {
  if (socket.destroyed) return;
  socket.end();
  destroyAfterLinger(socket, schedule);
}

/** The server's 'connect' listener: CONNECT would open a TLS tunnel, which cannot be signed. */
export function refuseConnect(socket: Duplex, allow: string, schedule: Schedule): void {
  socket.on('error', ignore);
  sendError(socket, 'CONNECT_NOT_SUPPORTED', { headers: { allow } });
  destroyAfterLinger(socket, schedule);
}

function ignore(): void {}
