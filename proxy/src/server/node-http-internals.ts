/**
 * The one file that reads Node's private HTTP fields. Each is named here with why no public
 * API does the job; node-http-internals.test.ts starts a real server and fails if a Node
 * upgrade changes what we rely on.
 *
 * - `socket._httpMessage` (lib/_http_server.js): the ServerResponse Node is writing on a
 *   server connection, set by `ServerResponse#assignSocket` and cleared by `detachSocket`.
 *   'clientError' hands us the socket only, and nothing public says whether a response has
 *   started on it; a raw 400 written over a started response would corrupt the stream.
 *   Node's own default 'clientError' handling (socketOnError) checks this same field.
 */
import type { Duplex } from 'node:stream';

interface SocketWithMessage extends Duplex {
  _httpMessage?: { readonly headersSent?: boolean } | null;
}

/** The response Node is writing on this server connection (`socket._httpMessage`), if any. */
export function responseOnSocket(socket: Duplex): { readonly headersSent?: boolean } | undefined {
  return (socket as SocketWithMessage)._httpMessage ?? undefined;
}

/** True when a response on this connection has sent its head: nothing else may be written on it. */
export function responseStartedOn(socket: Duplex): boolean {
  return responseOnSocket(socket)?.headersSent === true;
}
