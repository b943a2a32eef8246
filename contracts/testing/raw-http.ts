/**
 * The one raw HTTP/1.1 client of the repository's tests, over node:net. Tests need requests that
 * fetch and node:http refuse or rewrite (forged headers in several casings and copies, hop-by-hop
 * headers, absolute-form request-targets, hand-made chunked framing, raw encoded paths, malformed
 * heads, Expect: 100-continue) and need to see the response exactly as it came, including a close
 * before its end. Two ways in, one parser:
 *   rawExchange(bytes, { port })   sends bytes as given; the response, every byte and who closed
 *   sendRaw(origin, request)       a request described as data (head lines, body or chunks, waiting
 *                                  for 100 Continue), its response, seen by the response observers
 * Every exchange is bounded in time: a server that never answers fails the test instead of hanging it.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { within } from './wait.js';

export const LOOPBACK = '127.0.0.1';
/** Default budget of one rawExchange. */
export const EXCHANGE_TIMEOUT_MS = 5_000;
/** Default budget of one sendRaw (the contract suites go through a whole stack). */
const SEND_TIMEOUT_MS = 30_000;
/**
 * Most bytes one response may bring (64 MiB, far above the suites' largest, a few MiB): a server that
 * streams a body forever fails the exchange at once instead of filling memory until its deadline
 * (issue #21, item 10: the contract CLI against such a mock).
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** How long sendRaw waits for 100 Continue before sending the body anyway (RFC 9110 §10.1.1 allows it; curl waits 1 s). */
const CONTINUE_WAIT_MS = 2000;

export type HeaderLine = readonly [name: string, value: string];

// ---------------------------------------------------------------- the parser

export interface ParsedResponse {
  readonly status: number;
  readonly reason: string;
  /** Lower-case name -> every value, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** Header lines as sent: [name, value] pairs, with their casing. */
  readonly rawHeaders: readonly HeaderLine[];
  readonly body: Buffer;
  /** False when the connection closed before the framing said the body was over. */
  readonly complete: boolean;
  /** Interim 1xx statuses seen before this response. */
  readonly interim: readonly number[];
}

/** A header's values joined with ", ", or undefined when absent. */
export function header(response: ParsedResponse, name: string): string | undefined {
  const values = response.headers.get(name.toLowerCase());
  return values === undefined ? undefined : values.join(', ');
}

interface Head {
  readonly status: number;
  readonly reason: string;
  readonly headers: Map<string, string[]>;
  readonly rawHeaders: HeaderLine[];
  readonly bodyStart: number;
}

function parseHead(data: Buffer, offset: number): Head | undefined {
  const headEnd = data.indexOf('\r\n\r\n', offset);
  if (headEnd === -1) return undefined;
  const [statusText = '', ...lines] = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusText);
  if (statusLine === null) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusText)}`);
  const headers = new Map<string, string[]>();
  const rawHeaders: HeaderLine[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    rawHeaders.push([name, value]);
    headers.set(name.toLowerCase(), [...(headers.get(name.toLowerCase()) ?? []), value]);
  }
  return { status: Number(statusLine[1]), reason: statusLine[2] ?? '', headers, rawHeaders, bodyStart: headEnd + 4 };
}

/** The interim (1xx) statuses at the start of `data` and the final head after them, once it has arrived. */
function readHeads(data: Buffer): { interim: number[]; final: Head | undefined } {
  const interim: number[] = [];
  for (let offset = 0; ; ) {
    const head = parseHead(data, offset);
    if (head === undefined || head.status < 100 || head.status >= 200 || head.status === 101) return { interim, final: head };
    interim.push(head.status);
    offset = head.bodyStart;
  }
}

type ParseStep = { response: ParsedResponse; rest: Buffer } | undefined;

/**
 * Parses one HTTP/1.1 response from the start of `data`. Returns undefined while more bytes
 * are needed; with `eof`, returns what arrived, marked incomplete when the framing was cut.
 */
export function parseResponse(data: Buffer, eof: boolean, requestMethod = 'GET'): ParseStep {
  const { interim, final } = readHeads(data);
  if (final === undefined) return undefined;
  const { status, reason, headers, rawHeaders, bodyStart } = final;
  const make = (body: Buffer, complete: boolean, rest: Buffer): ParseStep => ({
    response: { status, reason, headers, rawHeaders, body, complete, interim },
    rest,
  });
  if (requestMethod === 'HEAD' || status === 204 || status === 304) return make(Buffer.alloc(0), true, data.subarray(bodyStart));
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

function parseChunked(data: Buffer, start: number, eof: boolean, make: (body: Buffer, complete: boolean, rest: Buffer) => ParseStep): ParseStep {
  const parts: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('invalid chunk size in the response');
    if (size === 0) {
      // The trailer section ends with an empty line.
      const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
      if (trailerEnd !== -1) return make(Buffer.concat(parts), true, data.subarray(trailerEnd + 4));
      break;
    }
    const chunkStart = lineEnd + 2;
    if (data.length < chunkStart + size + 2) break;
    parts.push(data.subarray(chunkStart, chunkStart + size));
    offset = chunkStart + size + 2;
  }
  return eof ? make(Buffer.concat(parts), false, Buffer.alloc(0)) : undefined;
}

// ---------------------------------------------------------------- bytes in, response out

export interface RawExchange {
  /** The parsed response, or undefined when the connection closed before a full head. */
  readonly response: ParsedResponse | undefined;
  /** Every byte received. */
  readonly raw: Buffer;
  /** True when the server closed the connection (rather than leaving it open after the response). */
  readonly closedByPeer: boolean;
}

export interface RawOptions {
  readonly port: number;
  /** Default LOOPBACK. */
  readonly host?: string;
  /** Default EXCHANGE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Wait for the server to close the connection after the response (default false). */
  readonly untilClose?: boolean;
  /** The request's method, for the framing of the response (HEAD has no body); default GET. */
  readonly method?: string;
  /** Destroy the socket right after writing, as a client that goes away (default false). */
  readonly hangUp?: boolean;
  /**
   * Bytes that are not an HTTP/1.x response leave `response` undefined instead of failing the
   * exchange (default false: a server that answers garbage fails the test). For wire faults.
   */
  readonly lenient?: boolean;
  /** Most bytes the response may bring before the exchange fails (default MAX_RESPONSE_BYTES). */
  readonly maxBytes?: number;
}

/**
 * Sends `bytes` over a fresh socket and resolves with the response. Fails (rather than hangs)
 * when neither a response nor a close arrives within the timeout.
 */
export async function rawExchange(bytes: string | Buffer, options: RawOptions): Promise<RawExchange> {
  const socket = connect(options.port, options.host ?? LOOPBACK);
  socket.on('error', () => undefined);
  socket.write(bytes, () => {
    if (options.hangUp === true) socket.destroy();
  });
  return readResponse(socket, options);
}

/** Reads one response from an open socket (see rawExchange; port, host and hangUp are ignored); destroys the socket afterwards. */
export async function readResponse(socket: Socket, options: Partial<RawOptions>): Promise<RawExchange> {
  const ms = options.timeoutMs ?? EXCHANGE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_RESPONSE_BYTES;
  let received = Buffer.alloc(0);
  let parsed: ParsedResponse | undefined;
  const parse = (eof: boolean): void => {
    try {
      parsed = parseResponse(received, eof, options.method)?.response;
    } catch (error) {
      if (options.lenient !== true) throw error;
    }
  };
  const result = new Promise<RawExchange>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      if (received.length + chunk.length > maxBytes) {
        reject(new Error(`the response passed ${maxBytes} bytes without ending; a body that never ends is refused`));
        socket.destroy();
        return;
      }
      received = Buffer.concat([received, chunk]);
      try {
        parse(false);
      } catch (error) {
        reject(error as Error);
        socket.destroy();
        return;
      }
      if (parsed !== undefined && options.untilClose !== true) {
        socket.removeAllListeners('data');
        resolve({ response: parsed, raw: received, closedByPeer: false });
      }
    });
    socket.on('close', () => {
      try {
        if (parsed === undefined) parse(true);
      } catch (error) {
        reject(error as Error);
        return;
      }
      resolve({ response: parsed, raw: received, closedByPeer: true });
    });
  });
  try {
    return await within(result, ms, 'a response or a close from the server');
  } finally {
    socket.destroy();
  }
}

// ---------------------------------------------------------------- requests as data

export interface RawRequest {
  readonly method: string;
  /** The request-target exactly as sent: origin-form `/p?q` or absolute-form `http://h:p/p?q`. */
  readonly target: string;
  /** Header lines in order, with their exact casing. `Host` is added (first) when absent. */
  readonly headers?: readonly HeaderLine[];
  /** Body sent with `Content-Length` (added unless a Content-Length or Transfer-Encoding line is given). */
  readonly body?: Buffer;
  /** Body sent with chunked framing written here, one chunk per entry (`Transfer-Encoding: chunked` added when absent). */
  readonly chunks?: readonly Buffer[];
  /** Send the head, wait for `100 Continue` (or a final response), then the body. */
  readonly expectContinue?: boolean;
}

export interface RawResponse {
  readonly status: number;
  /** Header lines as sent, in order. */
  readonly headers: readonly HeaderLine[];
  readonly body: Buffer;
  /** Status codes of interim (1xx) responses, in order. */
  readonly interim: readonly number[];
}

function hasHeader(headers: readonly HeaderLine[], name: string): boolean {
  return headers.some(([n]) => n.toLowerCase() === name);
}

/** The exact bytes of the request head and body. */
export function serialiseRequest(origin: URL, request: RawRequest): { head: Buffer; body: Buffer } {
  const headers: HeaderLine[] = [...(request.headers ?? [])];
  if (!hasHeader(headers, 'host')) headers.unshift(['Host', origin.host]);
  let body: Buffer = Buffer.alloc(0);
  if (request.chunks !== undefined) {
    if (!hasHeader(headers, 'transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
    const framed: Buffer[] = [];
    for (const chunk of request.chunks) {
      if (chunk.length === 0) continue;
      framed.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    framed.push(Buffer.from('0\r\n\r\n'));
    body = Buffer.concat(framed);
  } else if (request.body !== undefined) {
    if (!hasHeader(headers, 'content-length') && !hasHeader(headers, 'transfer-encoding')) {
      headers.push(['Content-Length', String(request.body.length)]);
    }
    body = request.body;
  }
  const lines = [`${request.method} ${request.target} HTTP/1.1`, ...headers.map(([n, v]) => `${n}: ${v}`)];
  return { head: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body };
}

/**
 * Sees every complete response sendRaw receives; a throw rejects that request
 * with the thrown error. The contract check (contracts/suites/contract-responses.ts) is one.
 */
export type ResponseObserver = (origin: URL, request: RawRequest, response: RawResponse) => void;

const observers: ResponseObserver[] = [];

export function observeResponses(observer: ResponseObserver): void {
  if (!observers.includes(observer)) observers.push(observer);
}

/** Writes the body once `100 Continue` arrives, or after CONTINUE_WAIT_MS; never once a final response arrived. */
function sendBodyAfterContinue(socket: Socket, body: Buffer): void {
  let received = Buffer.alloc(0);
  const timer = setTimeout(() => done(true), CONTINUE_WAIT_MS);
  const done = (send: boolean): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    if (send && body.length > 0 && !socket.destroyed) socket.write(body);
  };
  const onData = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk]);
    try {
      const { interim, final } = readHeads(received);
      // A final response before 100 Continue means the server declined the body.
      if (final !== undefined) done(false);
      else if (interim.includes(100)) done(true);
    } catch {
      done(false); // readResponse reports the malformed response
    }
  };
  socket.on('data', onData);
  socket.on('close', () => clearTimeout(timer));
}

/** Sends one request on a fresh connection and resolves with the final response, whole. */
export async function sendRaw(origin: URL, request: RawRequest, timeoutMs = SEND_TIMEOUT_MS): Promise<RawResponse> {
  const { head, body } = serialiseRequest(origin, request);
  const socket = connect({ host: origin.hostname.replace(/^\[|\]$/g, ''), port: Number(origin.port || 80) });
  let failure: Error | undefined;
  socket.on('error', (error) => {
    failure = error;
  });
  socket.write(head);
  if (request.expectContinue === true) sendBodyAfterContinue(socket, body);
  else if (body.length > 0) socket.write(body);
  const { response, raw } = await readResponse(socket, { timeoutMs, method: request.method.toUpperCase() });
  if (response === undefined) {
    throw failure ?? new Error(`connection closed before a complete response head (${raw.length} bytes received)`);
  }
  if (!response.complete) throw new Error(`connection closed inside the response body (${response.body.length} bytes of it received)`);
  const result: RawResponse = { status: response.status, headers: response.rawHeaders, body: response.body, interim: response.interim };
  for (const observer of observers) observer(origin, request, result);
  return result;
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The whole body a request sends (chunks joined), for comparisons. */
export function requestBodyBytes(request: RawRequest): Buffer {
  return request.chunks !== undefined ? Buffer.concat([...request.chunks]) : (request.body ?? Buffer.alloc(0));
}

/** A readable account of a request for assertion messages: head lines and a body summary. */
export function describeRequest(origin: URL, request: RawRequest): string {
  const { head } = serialiseRequest(origin, request);
  const headText = head.toString('latin1').trimEnd();
  const shown = headText.length > 1500 ? `${headText.slice(0, 1500)}… (${headText.length} chars)` : headText;
  const bytes = requestBodyBytes(request);
  const framing = request.chunks !== undefined ? `chunked in ${request.chunks.length} chunks` : 'Content-Length';
  const preview = bytes.length > 0 && bytes.length <= 200 ? ` ${JSON.stringify(bytes.toString('utf8'))}` : '';
  return [
    `to ${origin.host}${request.expectContinue ? ' (waiting for 100 Continue before the body)' : ''}:`,
    ...shown.split('\r\n').map((line) => `  ${line}`),
    `  body: ${bytes.length} bytes, sha256 ${sha256Hex(bytes)}, ${framing}${preview}`,
  ].join('\n');
}
