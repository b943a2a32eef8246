/**
 * Upstreams for the proxy to forward to: an HTTP upstream on port 0 that records everything it
 * receives (and an echo handler), and raw `net` upstreams for the ones that must misbehave.
 */
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { EXCHANGE_TIMEOUT_MS, LOOPBACK } from '../../../contracts/testing/raw-http.js';
import { within } from '../../../contracts/testing/wait.js';
import { listen } from '../../../contracts/testing/listen.js';

/** What a recording upstream saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  /** Body bytes received so far. */
  body: Buffer;
  /** True once the whole message arrived (`req.complete`). */
  complete: boolean;
  /** True once the request ended or was torn down: `complete` is then final. */
  settled: boolean;
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) => void;

export interface RecordingUpstream {
  readonly server: http.Server;
  readonly port: number;
  readonly origin: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Emits 'request' (on arrival) and 'settled' (on end or teardown) with the RecordedRequest. */
  readonly events: EventEmitter;
  /** Resolves with the n-th request (0-based) once it has arrived. */
  nthRequest(n: number, ms?: number): Promise<RecordedRequest>;
  /** Resolves once the request has ended or been torn down. */
  settled(record: RecordedRequest, ms?: number): Promise<RecordedRequest>;
  /** Open TCP connections to this upstream. */
  openSockets(): number;
  readonly sockets: ReadonlySet<net.Socket>;
  close(): Promise<void>;
}

/** Default upstream reply: 200 with a small JSON body, once the request body has been read. */
export const replyOk: UpstreamHandler = (req, res) => {
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
};

/** An HTTP upstream on port 0 that records everything it receives, then runs `handler`. */
export async function startUpstream(handler: UpstreamHandler = replyOk): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
      complete: false,
      settled: false,
      req,
      res,
    };
    requests.push(record);
    const settle = (): void => {
      if (record.settled) return;
      record.complete = req.complete;
      record.settled = true;
      events.emit('settled', record);
    };
    req.on('data', (chunk: Buffer) => {
      record.body = Buffer.concat([record.body, chunk]);
    });
    req.on('end', settle);
    req.on('close', settle);
    req.on('error', () => settle());
    res.on('error', () => undefined);
    events.emit('request', record);
    handler(req, res, record);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A parse error on the upstream side means the proxy forwarded broken framing: keep it visible.
  server.on('clientError', (error, socket) => {
    events.emit('clientError', error);
    socket.destroy();
  });
  const port = await listen(server);
  return {
    server,
    port,
    origin: `http://${LOOPBACK}:${port}`,
    requests,
    events,
    nthRequest: (n, ms = EXCHANGE_TIMEOUT_MS) =>
      within(
        new Promise<RecordedRequest>((resolve) => {
          const existing = requests[n];
          if (existing !== undefined) return resolve(existing);
          const onRequest = (): void => {
            const found = requests[n];
            if (found === undefined) return;
            events.off('request', onRequest);
            resolve(found);
          };
          events.on('request', onRequest);
        }),
        ms,
        `upstream request #${n}`,
      ),
    settled: (record, ms = EXCHANGE_TIMEOUT_MS) =>
      within(
        new Promise<RecordedRequest>((resolve) => {
          if (record.settled) return resolve(record);
          const onSettled = (settledRecord: RecordedRequest): void => {
            if (settledRecord !== record) return;
            events.off('settled', onSettled);
            resolve(record);
          };
          events.on('settled', onSettled);
        }),
        ms,
        `upstream request ${record.method} ${record.url} to end or be torn down`,
      ),
    openSockets: () => sockets.size,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawUpstream {
  readonly server: net.Server;
  readonly port: number;
  readonly origin: string;
  readonly sockets: Set<net.Socket>;
  /** Emits 'connection' with each socket and 'closed' when one closes. */
  readonly events: EventEmitter;
  /** Resolves with the first `connection` event, bounded. */
  nextConnection(ms?: number): Promise<net.Socket>;
  close(): Promise<void>;
}

/** A raw TCP upstream whose every connection is handed to `onConnection`, for misbehaving upstreams. */
export async function startRawUpstream(onConnection: (socket: net.Socket) => void): Promise<RawUpstream> {
  const sockets = new Set<net.Socket>();
  const events = new EventEmitter();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      events.emit('closed', socket);
    });
    events.emit('connection', socket);
    onConnection(socket);
    // A socket nobody reads never sees the peer's FIN: keep reading so a close is noticed.
    if (socket.listenerCount('data') === 0) socket.resume();
  });
  const port = await listen(server);
  return {
    server,
    port,
    origin: `http://${LOOPBACK}:${port}`,
    sockets,
    events,
    nextConnection: (ms = EXCHANGE_TIMEOUT_MS) =>
      within(once(events, 'connection').then(([socket]) => socket as net.Socket), ms, 'a connection to the raw upstream'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Runs `onRequestHead` each time a raw upstream connection has received a whole request head
 * (the proxy reuses pooled connections). Bodies in these tests never contain a blank line.
 */
export function afterRequestHead(socket: net.Socket, onRequestHead: (head: string) => void): void {
  let seen = '';
  socket.on('data', (chunk: Buffer) => {
    seen += chunk.toString('latin1');
    for (let end = seen.indexOf('\r\n\r\n'); end !== -1; end = seen.indexOf('\r\n\r\n')) {
      const head = seen.slice(0, end);
      seen = seen.slice(end + 4);
      onRequestHead(head.slice(head.search(/[A-Z]/)));
    }
  });
}

/** An upstream handler that answers every request with a JSON echo of what it received. */
export function echoHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks).toString('latin1'),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/** What echoHandler answers. */
export interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
}
