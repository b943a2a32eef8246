/**
 * A minimal HTTP/1.1 client over node:net. The suites need requests that
 * fetch and node:http refuse or rewrite: forged headers in several casings
 * and copies, hop-by-hop headers, absolute-form request-targets, hand-made
 * chunked framing, raw encoded paths, Expect: 100-continue. Every byte of the
 * request head is written exactly as the case gives it.
 */
import { connect } from 'node:net';
import { createHash } from 'node:crypto';

export type HeaderLine = readonly [name: string, value: string];

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
  readonly headers: readonly HeaderLine[];
  readonly body: Buffer;
  /** Status codes of interim (1xx) responses, in order. */
  readonly interim: readonly number[];
}

/** How long to wait for 100 Continue before sending the body anyway (RFC 9110 §10.1.1 allows it; curl waits 1 s). */
const CONTINUE_WAIT_MS = 2000;
const DEFAULT_TIMEOUT_MS = 30_000;

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

/** Incremental response parser; returns the response once complete, else undefined. */
class ResponseParser {
  #buffer = Buffer.alloc(0);
  readonly interim: number[] = [];
  #head: { status: number; headers: HeaderLine[] } | undefined;
  readonly #noBody: boolean;

  constructor(method: string) {
    this.#noBody = method.toUpperCase() === 'HEAD';
  }

  get finalHeadSeen(): boolean {
    return this.#head !== undefined;
  }

  push(data: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, data]);
  }

  /** Parses what it can; `atEnd` means the connection closed. */
  poll(atEnd: boolean): RawResponse | undefined {
    while (this.#head === undefined) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (atEnd) throw new Error(`connection closed before a complete response head (${this.#buffer.length} bytes received)`);
        return undefined;
      }
      const [statusLine = '', ...headerLines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
      this.#buffer = this.#buffer.subarray(end + 4);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (match === null) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusLine)}`);
      const status = Number(match[1]);
      const headers = headerLines.map((line): HeaderLine => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      if (status >= 100 && status < 200 && status !== 101) this.interim.push(status);
      else this.#head = { status, headers };
    }
    const { status, headers } = this.#head;
    const done = (body: Buffer): RawResponse => ({ status, headers, body, interim: this.interim });
    if (this.#noBody || status === 204 || status === 304) return done(Buffer.alloc(0));
    const value = (name: string): string | undefined => headers.find(([n]) => n.toLowerCase() === name)?.[1];
    if (value('transfer-encoding')?.toLowerCase().includes('chunked')) {
      const decoded = decodeChunked(this.#buffer);
      if (decoded !== undefined) return done(decoded);
      if (atEnd) throw new Error('connection closed inside a chunked response body');
      return undefined;
    }
    const length = value('content-length');
    if (length !== undefined) {
      const n = Number(length);
      if (this.#buffer.length >= n) return done(this.#buffer.subarray(0, n));
      if (atEnd) throw new Error(`connection closed after ${this.#buffer.length} of ${n} body bytes`);
      return undefined;
    }
    return atEnd ? done(this.#buffer) : undefined;
  }
}

/** Decodes a complete chunked body, or undefined when the terminating chunk has not arrived yet. */
function decodeChunked(buffer: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', offset);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('invalid chunk size in response');
    offset = lineEnd + 2;
    if (size === 0) {
      // Trailer section ends with an empty line.
      return buffer.indexOf('\r\n\r\n', offset - 2) >= 0 ? Buffer.concat(parts) : undefined;
    }
    if (buffer.length < offset + size + 2) return undefined;
    parts.push(buffer.subarray(offset, offset + size));
    offset += size + 2;
  }
}

/**
 * Sees every complete response sendRaw receives; a throw rejects that request
 * with the thrown error. The contract check (contract-responses.ts) is one.
 */
export type ResponseObserver = (origin: URL, request: RawRequest, response: RawResponse) => void;

const observers: ResponseObserver[] = [];

export function observeResponses(observer: ResponseObserver): void {
  if (!observers.includes(observer)) observers.push(observer);
}

function observed(origin: URL, request: RawRequest, response: RawResponse): Error | RawResponse {
  try {
    for (const observer of observers) observer(origin, request, response);
    return response;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Sends one request on a fresh connection and resolves with the final response. */
export function sendRaw(origin: URL, request: RawRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawResponse> {
  const { head, body } = serialiseRequest(origin, request);
  const parser = new ResponseParser(request.method);
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = connect({ host: origin.hostname.replace(/^\[|\]$/g, ''), port: Number(origin.port || 80) });
    let bodySent = false;
    let continueTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs);
    const finish = (outcome: Error | RawResponse): void => {
      clearTimeout(timer);
      clearTimeout(continueTimer);
      socket.destroy();
      const result = outcome instanceof Error ? outcome : observed(origin, request, outcome);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const sendBody = (): void => {
      if (bodySent) return;
      bodySent = true;
      clearTimeout(continueTimer);
      if (body.length > 0) socket.write(body);
    };
    const step = (atEnd: boolean): void => {
      try {
        const response = parser.poll(atEnd);
        if (response !== undefined) finish(response);
        else if (request.expectContinue && !bodySent) {
          // A final response before 100 Continue means the server declined the body.
          if (parser.finalHeadSeen) clearTimeout(continueTimer);
          else if (parser.interim.includes(100)) sendBody();
        }
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      if (request.expectContinue) continueTimer = setTimeout(sendBody, CONTINUE_WAIT_MS);
      else sendBody();
    });
    socket.on('data', (data: Buffer) => {
      parser.push(data);
      step(false);
    });
    socket.on('end', () => step(true));
    socket.on('error', (error) => finish(error));
  });
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
