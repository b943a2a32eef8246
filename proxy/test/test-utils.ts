/**
 * The proxy's one test-utils module (like httpxy's test/_utils.ts), for the behaviour,
 * conformance and fuzz suites: a proxy built with createApp on port 0 whose log lines
 * are captured, an upstream that records every request it gets (and an echo handler),
 * raw `net` servers for upstreams that misbehave, a bounded http client and a raw `net`
 * client with a tiny HTTP/1.1 response parser for clients that must send something
 * malformed or precise. Every wait is bounded: a misbehaving proxy fails the test
 * instead of hanging it. (Issue #10 merged test/helpers/harness.ts into it.)
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import type { AppDeps, ProxyApp } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';
import type { ProxyConfig } from '../src/config/config.js';
import type { ProxyErrorCode } from '../src/http/errors.js';
import { PROXY_ERROR_MESSAGES } from '../src/http/errors.js';

/** Per-test budget: every test passes `{ timeout: TEST_TIMEOUT_MS }`. */
export const TEST_TIMEOUT_MS = 10_000;
/** Budget for one exchange with the proxy. */
export const EXCHANGE_TIMEOUT_MS = 5_000;
export const LOOPBACK = '127.0.0.1';

// ---------------------------------------------------------------- timing

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Re-checks a condition on every turn of the event loop (no fixed sleeps) until it holds or `ms` pass. */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// ---------------------------------------------------------------- the proxy

export type LogRecord = Record<string, unknown>;

export interface RunningProxy {
  readonly app: ProxyApp;
  readonly config: ProxyConfig;
  readonly server: http.Server;
  readonly port: number;
  readonly host: string;
  /** `http://127.0.0.1:port` */
  readonly origin: string;
  /** Every log line the proxy wrote, as written (to check nothing secret appears). */
  readonly logLines: string[];
  /** The same lines parsed, kept as they arrive. */
  readonly logs: LogRecord[];
  /** The log lines parsed as JSON objects (a fresh copy). */
  logRecords(): LogRecord[];
  /** Number of open client connections, as the server counts them. */
  connections(): Promise<number>;
  /** Closes the proxy; with graceMs 0 (default) open connections are cut first. */
  close(graceMs?: number): Promise<void>;
}

export interface ProxyOptions {
  /** Address to listen on; `::1` lets a test see an IPv6 client address. */
  readonly host?: string;
  /** Adjusts the server before it listens (e.g. timer resolution for slowloris tests). */
  readonly beforeListen?: (server: http.Server) => void;
  /** Fixed clock (epoch ms); default Date.now. */
  readonly now?: () => number;
  /** Nonce source; default a counter `test-jti-000000000001`, ... */
  readonly randomId?: () => string;
  readonly sources?: AppDeps['sources'];
}

/**
 * Builds the proxy with createApp from `env` (parsed by the proxy's own parseConfig),
 * logging at `LOG_LEVEL` (default info) into memory, and listens on port 0.
 */
export async function startProxy(env: Readonly<Record<string, string>>, options: ProxyOptions = {}): Promise<RunningProxy> {
  const config = parseConfig({ LOG_LEVEL: 'info', ...env });
  const logLines: string[] = [];
  const logs: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        logLines.push(line);
        logs.push(JSON.parse(line) as LogRecord);
      }
      callback();
    },
  });
  const logger = pino({ level: config.logLevel }, sink);
  let sequence = 0;
  const app = createApp({
    config,
    now: options.now ?? Date.now,
    randomId: options.randomId ?? (() => `test-jti-${String(++sequence).padStart(12, '0')}`),
    logger,
    defaultMetrics: false,
    ...(options.sources === undefined ? {} : { sources: options.sources }),
  });
  const server = app.server;
  options.beforeListen?.(server);
  const host = options.host ?? LOOPBACK;
  server.listen(0, host);
  await within(once(server, 'listening'), EXCHANGE_TIMEOUT_MS, 'the proxy to listen');
  const address = server.address() as net.AddressInfo;
  const port = address.port;
  return {
    app,
    config,
    server,
    port,
    host,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    logLines,
    logs,
    logRecords: () => [...logs],
    connections: () =>
      new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: async (graceMs = 0) => {
      if (graceMs === 0) server.closeAllConnections();
      await within(app.close(graceMs), graceMs + EXCHANGE_TIMEOUT_MS, 'the proxy to close');
    },
  };
}

// ---------------------------------------------------------------- upstreams

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
  server.listen(0, LOOPBACK);
  await within(once(server, 'listening'), EXCHANGE_TIMEOUT_MS, 'the upstream to listen');
  const port = (server.address() as net.AddressInfo).port;
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
  server.listen(0, LOOPBACK);
  await within(once(server, 'listening'), EXCHANGE_TIMEOUT_MS, 'the raw upstream to listen');
  const port = (server.address() as net.AddressInfo).port;
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

/** A port nothing listens on: bound once to get it from the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------- raw client

export interface ParsedResponse {
  readonly status: number;
  readonly reason: string;
  /** Lower-case name -> every value, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** Header lines as sent: [name, value] pairs. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** False when the connection closed before the framing said the body was over. */
  readonly complete: boolean;
  /** Interim 1xx statuses seen before this response. */
  readonly interim: readonly number[];
}

export function header(response: ParsedResponse, name: string): string | undefined {
  const values = response.headers.get(name.toLowerCase());
  return values === undefined ? undefined : values.join(', ');
}

type ParseStep = { response: ParsedResponse; rest: Buffer } | undefined;

/**
 * Parses one HTTP/1.1 response from the start of `data`. Returns undefined while more bytes
 * are needed; with `eof`, returns what arrived, marked incomplete when the framing was cut.
 */
export function parseResponse(data: Buffer, eof: boolean, requestMethod = 'GET'): ParseStep {
  const interim: number[] = [];
  let offset = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', offset);
    if (headEnd === -1) return undefined;
    const lines = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (statusLine === null) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
    const status = Number(statusLine[1]);
    const headers = new Map<string, string[]>();
    const rawHeaders: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      rawHeaders.push([name, value]);
      const key = name.toLowerCase();
      headers.set(key, [...(headers.get(key) ?? []), value]);
    }
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      interim.push(status);
      offset = bodyStart;
      continue;
    }
    const make = (body: Buffer, complete: boolean, rest: Buffer): ParseStep => ({
      response: { status, reason: statusLine[2] ?? '', headers, rawHeaders, body, complete, interim },
      rest,
    });
    const noBody = requestMethod === 'HEAD' || status === 204 || status === 304;
    if (noBody) return make(Buffer.alloc(0), true, data.subarray(bodyStart));
    const te = (headers.get('transfer-encoding') ?? []).join(',').toLowerCase();
    if (te.includes('chunked')) return parseChunked(data, bodyStart, eof, make);
    const length = headers.get('content-length')?.[0];
    if (length !== undefined) {
      const end = bodyStart + Number(length);
      if (data.length >= end) return make(data.subarray(bodyStart, end), true, data.subarray(end));
      return eof ? make(data.subarray(bodyStart), false, Buffer.alloc(0)) : undefined;
    }
    // Delimited by close (RFC 9112 §6.3 item 8).
    return eof ? make(data.subarray(bodyStart), true, Buffer.alloc(0)) : undefined;
  }
}

function parseChunked(
  data: Buffer,
  start: number,
  eof: boolean,
  make: (body: Buffer, complete: boolean, rest: Buffer) => ParseStep,
): ParseStep {
  const parts: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size from the proxy');
    if (size === 0) {
      const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
      if (trailerEnd !== -1) return make(Buffer.concat(parts), true, data.subarray(trailerEnd + 4));
      if (data.subarray(lineEnd, lineEnd + 4).toString() === '\r\n\r\n') break;
      break;
    }
    const chunkStart = lineEnd + 2;
    if (data.length < chunkStart + size + 2) break;
    parts.push(data.subarray(chunkStart, chunkStart + size));
    offset = chunkStart + size + 2;
  }
  return eof ? make(Buffer.concat(parts), false, Buffer.alloc(0)) : undefined;
}

export interface RawExchange {
  /** The parsed response, or undefined when the connection closed before a full head. */
  readonly response: ParsedResponse | undefined;
  /** Every byte received. */
  readonly raw: Buffer;
  /** True when the proxy closed the connection (rather than leaving it open after the response). */
  readonly closedByPeer: boolean;
}

export interface RawOptions {
  readonly port: number;
  readonly host?: string;
  readonly timeoutMs?: number;
  /** Wait for the proxy to close the connection after the response (default false). */
  readonly untilClose?: boolean;
  readonly method?: string;
}

/**
 * Sends `bytes` over a fresh socket and resolves with the response. Fails (rather than hangs)
 * when neither a response nor a close arrives within the timeout.
 */
export async function rawExchange(bytes: string | Buffer, options: RawOptions): Promise<RawExchange> {
  const socket = net.connect(options.port, options.host ?? LOOPBACK);
  socket.on('error', () => undefined);
  socket.write(bytes);
  return readResponse(socket, options);
}

/** Reads one response from an open socket (see rawExchange); destroys the socket afterwards. */
export async function readResponse(socket: net.Socket, options: RawOptions): Promise<RawExchange> {
  const ms = options.timeoutMs ?? EXCHANGE_TIMEOUT_MS;
  const result = new Promise<RawExchange>((resolve, reject) => {
    let received = Buffer.alloc(0);
    let parsed: ParsedResponse | undefined;
    const finish = (closedByPeer: boolean): void => {
      socket.removeAllListeners('data');
      socket.destroy();
      resolve({ response: parsed, raw: received, closedByPeer });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const step = parseResponse(received, false, options.method);
        if (step !== undefined) {
          parsed = step.response;
          if (options.untilClose !== true) finish(false);
        }
      } catch (error) {
        reject(error as Error);
        socket.destroy();
      }
    });
    socket.on('close', () => {
      if (parsed === undefined) {
        try {
          parsed = parseResponse(received, true, options.method)?.response;
        } catch (error) {
          reject(error as Error);
          return;
        }
      }
      resolve({ response: parsed, raw: received, closedByPeer: true });
    });
  });
  try {
    return await within(result, ms, 'a response or a close from the proxy');
  } finally {
    socket.destroy();
  }
}

// ---------------------------------------------------------------- http client

export interface SimpleResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface SimpleRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}

/** One request with a fresh connection (no agent reuse between tests), bounded in time. */
export async function request(port: number, options: SimpleRequest = {}, host = LOOPBACK): Promise<SimpleResponse> {
  const response = new Promise<SimpleResponse>((resolve, reject) => {
    const req = http.request(
      { host, port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
  return within(response, options.timeoutMs ?? EXCHANGE_TIMEOUT_MS, `${options.method ?? 'GET'} ${options.path ?? '/'}`);
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

// ---------------------------------------------------------------- assertions

/** The proxy's own error body: exactly `{"error":{"code","message"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * Asserts a proxy-generated error: the status, a JSON content type, and the whole body,
 * which is exactly `{"error": {"code": <code>, "message": <the code's fixed message>}}`.
 */
export function assertProxyError(
  status: number,
  contentType: string | undefined,
  body: Buffer | string,
  expectedStatus: number,
  code: ProxyErrorCode,
): ErrorBody {
  assert.equal(status, expectedStatus, `status (body: ${String(body).slice(0, 200)})`);
  assert.match(contentType ?? '', /^application\/json/, 'content-type');
  const parsed = JSON.parse(String(body)) as ErrorBody;
  assert.deepEqual(parsed, { error: { code, message: PROXY_ERROR_MESSAGES[code] } });
  return parsed;
}

/** assertProxyError on a raw exchange's parsed response. */
export function assertRawProxyError(exchange: RawExchange, expectedStatus: number, code: ProxyErrorCode): ParsedResponse {
  const response = exchange.response;
  assert.ok(response !== undefined, `expected a ${expectedStatus} response, got ${JSON.stringify(exchange.raw.toString('latin1'))}`);
  assertProxyError(response.status, header(response, 'content-type'), response.body, expectedStatus, code);
  return response;
}

/** assertProxyError on a SimpleResponse. */
export function assertSimpleProxyError(response: SimpleResponse, expectedStatus: number, code: ProxyErrorCode): ErrorBody {
  return assertProxyError(response.status, response.headers['content-type'], response.body, expectedStatus, code);
}

/** Splits a list-valued field (Via, X-Forwarded-For, Forwarded) into its members. */
export function listMembers(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}

/** The log records carrying a given error code anywhere among their fields. */
export function logsWithCode(proxy: RunningProxy, code: string): Record<string, unknown>[] {
  return proxy.logRecords().filter((record) => JSON.stringify(record).includes(`"${code}"`));
}

// ---------------------------------------------------------------- set-up

export interface Rig {
  readonly proxy: RunningProxy;
  readonly upstream: RecordingUpstream;
}

/** A recording upstream and a proxy in front of it (reverse mode), both closed after the test. */
export async function startRig(
  t: { after: (fn: () => Promise<void>) => void },
  options: { readonly handler?: UpstreamHandler; readonly env?: Readonly<Record<string, string>>; readonly proxy?: ProxyOptions } = {},
): Promise<Rig> {
  const upstream = await startUpstream(options.handler);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ UPSTREAM_URL: upstream.origin, ...options.env }, options.proxy);
  } catch (error) {
    await upstream.close();
    throw error;
  }
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { proxy, upstream };
}

/**
 * Asserts that the proxy refused a request it could not parse safely: the status and code
 * with the usual JSON body, then the connection closed (RFC 9112 §6.3: once framing cannot
 * be trusted, nothing more on this connection can be).
 */
export function assertRefusedAndClosed(exchange: RawExchange, status: number, code: ProxyErrorCode): void {
  const response = assertRawProxyError(exchange, status, code);
  assert.equal(header(response, 'connection')?.toLowerCase(), 'close');
  assert.equal(exchange.closedByPeer, true, 'the proxy closes the connection');
}

/** Resolves with the log records carrying `code` once at least one was written (bounded). */
export async function awaitLogged(proxy: RunningProxy, code: string, ms = 2_000): Promise<Record<string, unknown>[]> {
  await until(() => logsWithCode(proxy, code).length > 0, ms, `a log line with code ${code}`);
  return logsWithCode(proxy, code);
}
