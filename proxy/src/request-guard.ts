/**
 * Checks made before anything is forwarded. Node's parser (llhttp) already
 * refuses Content-Length with Transfer-Encoding, duplicate or conflicting
 * lengths and `chunked` not last (request smuggling, RFC 9112 §6.1/§6.3); those
 * arrive here as 'clientError' and are answered 400 with the connection closed.
 * What llhttp accepts but an intermediary must not: two Host lines (RFC 9112
 * §3.2), bodies over MAX_BODY_BYTES.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyErrorCode } from './errors.js';
import { PROXY_ERROR_STATUS, errorBody } from './errors.js';
import { closeAfterOpenResponses } from './pipelining.js';

/** Node keeps the first Host and drops the rest; rawHeaders still shows every line. */
export function hasDuplicateHost(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

/** True when a declared Content-Length exceeds the limit (undefined limit = none). */
export function declaredBodyTooLarge(headers: IncomingHttpHeaders, maxBodyBytes: number | undefined): boolean {
  if (maxBodyBytes === undefined) return false;
  const length = headers['content-length'];
  return length !== undefined && Number(length) > maxBodyBytes;
}

/** A complete raw HTTP/1.1 error response with a JSON body that closes the connection. */
export function rawErrorResponse(code: ProxyErrorCode, extraHeaders = ''): string {
  const status = PROXY_ERROR_STATUS[code];
  const body = errorBody(code);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    extraHeaders +
    'Connection: close\r\n\r\n' +
    body
  );
}

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

interface SocketWithMessage extends Duplex {
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * The server's 'clientError' listener: answer 400/408/431 when nothing was sent on
 * this connection yet, then close. Never throws (a malformed request must not crash us).
 */
export function handleClientError(err: Error & { code?: string }, socket: Duplex): ProxyErrorCode | undefined {
  const code = clientErrorCode(err);
  // RFC 9112 §9.6 (issue #16): bad bytes behind requests still being answered end the
  // connection after those answers; a raw 400 written over them would tell the client that a
  // request failed which may already have run upstream.
  if (err.code?.startsWith('HPE_') === true && closeAfterOpenResponses(socket, () => endSoon(socket))) return code;
  const pending = (socket as SocketWithMessage)._httpMessage;
  if (code !== undefined && socket.writable && (pending === undefined || pending === null || pending.headersSent !== true)) {
    socket.end(rawErrorResponse(code));
  }
  // The server socket is half-open capable: end() alone waits for the client's FIN.
  if (!socket.destroyed) setTimeout(destroyIfOpen, 1000, socket).unref();
  return code;
}

function destroyIfOpen(socket: Duplex): void {
  if (!socket.destroyed) socket.destroy();
}

function endSoon(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(destroyIfOpen, 1000, socket).unref();
}

/** The server's 'connect' listener: CONNECT would open a TLS tunnel, which cannot be signed. */
export function refuseConnect(socket: Duplex, allow: string): void {
  socket.on('error', ignore);
  if (socket.writable) socket.end(rawErrorResponse('CONNECT_NOT_SUPPORTED', `Allow: ${allow}\r\n`));
  setTimeout(destroyIfOpen, 1000, socket).unref();
}

function ignore(): void {}

/** `Expect` other than 100-continue (RFC 9110 §10.1.1): 417. */
export function refuseExpectation(res: ServerResponse): void {
  const body = errorBody('EXPECTATION_FAILED');
  res.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}
