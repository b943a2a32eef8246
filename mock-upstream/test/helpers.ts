/** Starts the real mock upstream on 127.0.0.1:0 with a fixed clock and counter ids. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { get, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { Env } from '../../contracts/src/index.js';
import { rawExchange } from '../../contracts/testing/raw-http.js';
import { createApp } from '../src/app.js';
import type { AppDeps, Logger } from '../src/app.js';
import { parseConfig } from '../src/config/config.js';

export const NOW_MS = Date.UTC(2026, 10, 29, 12, 0, 0, 0);
export const NOW_S = NOW_MS / 1000;

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  details: object;
  message: string | undefined;
}

export interface Mock {
  server: Server;
  port: number;
  base: string;
  logs: LogLine[];
  clock: { nowMs: number };
  close(): Promise<void>;
}

export async function startMock(env: Env = {}, overrides: Partial<AppDeps> = {}): Promise<Mock> {
  const config = parseConfig({ HOST: '127.0.0.1', HTTP_PORT: '0', ...env });
  const logs: LogLine[] = [];
  const log =
    (level: LogLine['level']) =>
    (details: object, message?: string): void =>
      void logs.push({ level, details, message });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const clock = { nowMs: NOW_MS };
  let counter = 0;
  const server = createApp({
    config,
    now: () => clock.nowMs,
    randomId: () => `e${++counter}`,
    logger,
    ...overrides,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    logs,
    clock,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole response as received; '' when the server closed without answering. */
  raw: string;
}

/**
 * Sends bytes exactly as given (the shared raw client, contracts/testing/raw-http.ts) and reads the
 * whole response, until the mock closes the connection: the request should say `Connection: close`.
 * `hangUp` destroys the socket right after writing, as a client that goes away. Bytes that are not
 * an HTTP response (a wire fault) are kept in `raw` with status 0.
 */
export async function rawRequest(port: number, request: string | Buffer, options: { hangUp?: boolean } = {}): Promise<RawResponse> {
  const method = String(request).split(' ', 1)[0] ?? 'GET';
  const { response, raw } = await rawExchange(request, { port, method, untilClose: true, lenient: true, hangUp: options.hangUp === true });
  const headers: Record<string, string> = {};
  for (const [name, value] of response?.rawHeaders ?? []) headers[name.toLowerCase()] = value;
  return { status: response?.status ?? 0, headers, body: response?.body.toString('utf8') ?? '', raw: raw.toString('utf8') };
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
}

/** A minimal SSE reader: resolves each `event:` block as it arrives. */
export class EventReader {
  #buffer = '';
  #waiters: ((block: { event: string; data: string }) => void)[] = [];
  #blocks: { event: string; data: string }[] = [];
  readonly ended: Promise<unknown>;

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let end;
      while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
        const text = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const lines = text.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '';
        if (event !== undefined) this.#push({ event, data });
        else if (lines.some((l) => l.startsWith(': connected'))) this.#push({ event: 'connected', data: '' });
      }
    });
    this.ended = once(response, 'end');
  }

  #push(block: { event: string; data: string }): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(block);
    else this.#blocks.push(block);
  }

  next(): Promise<{ event: string; data: string }> {
    const block = this.#blocks.shift();
    if (block) return Promise.resolve(block);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export async function subscribe(mock: Mock, query = ''): Promise<EventReader> {
  const request = get(`${mock.base}/__mock/events${query}`);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  if (response.statusCode !== 200 || response.headers['content-type'] !== 'text/event-stream; charset=utf-8') {
    throw new Error(`not an event stream: ${response.statusCode} ${response.headers['content-type']}`);
  }
  const reader = new EventReader(response);
  const first = await reader.next();
  if (first.event !== 'connected') throw new Error(`expected the connected comment first, got ${first.event}`);
  return reader;
}


export interface Outcome {
  /** Final status; 0 when no head arrived. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Interim (1xx) statuses seen before the final head. */
  interim: number[];
  body: Buffer;
  /** True when the body ended as framed; false when the response was aborted. */
  complete: boolean;
  /** The client-side error code when the exchange failed (e.g. ECONNRESET). */
  error: string | undefined;
}

/** One request on a fresh connection, reporting how it ended instead of throwing: for fault cases. */
export function exchange(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const interim: number[] = [];
    const outcome = (patch: Partial<Outcome>): Outcome => ({ status: 0, headers: {}, interim, body: Buffer.alloc(0), complete: false, error: undefined, ...patch });
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/', headers: options.headers, agent: false });
    req.on('information', (info) => interim.push(info.statusCode));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = (error: string | undefined): void =>
        resolve(outcome({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete && error === undefined, error }));
      res.on('end', () => done(undefined));
      res.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      res.on('aborted', () => done('aborted'));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(outcome({ error: error.code ?? error.message })));
    req.end(options.body);
  });
}
