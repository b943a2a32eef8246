/**
 * Reusable test harness for proxy behaviour suites: a proxy built with createApp
 * (in-process, port 0, 127.0.0.1, logs captured as parsed JSON) and a real
 * node:http upstream on port 0. Signatures are stable: other suites import them.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import type { AppDeps, ProxyApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import type { ProxyConfig } from '../../src/config.js';

export type LogRecord = Record<string, unknown>;

export interface StartedProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly app: ProxyApp;
  readonly config: ProxyConfig;
  /** Every log line the proxy wrote, parsed. */
  readonly logs: LogRecord[];
  /** Every log line as written (to check nothing secret appears). */
  readonly rawLogs: string[];
  /** Closes the proxy (grace 0 unless given) and its pooled upstream sockets. */
  close(graceMs?: number): Promise<void>;
}

export interface StartProxyOptions {
  /** Fixed clock (epoch ms); default Date.now. */
  readonly now?: () => number;
  /** Nonce source; default a counter `test-jti-000000000001`, ... */
  readonly randomId?: () => string;
  readonly sources?: AppDeps['sources'];
}

/**
 * Starts the proxy in-process with `parseConfig({ LOG_LEVEL: 'info', ...env })`.
 * Pass UPSTREAM_URL (default http://127.0.0.1:8081 like production).
 */
export async function startProxy(env: Readonly<Record<string, string>> = {}, options: StartProxyOptions = {}): Promise<StartedProxy> {
  const config = parseConfig({ LOG_LEVEL: 'info', ...env });
  const logs: LogRecord[] = [];
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        rawLogs.push(line);
        logs.push(JSON.parse(line) as LogRecord);
      }
      callback();
    },
  });
  const logger = pino({ level: config.logLevel }, sink);
  let counter = 0;
  const app = createApp({
    config,
    now: options.now ?? Date.now,
    randomId: options.randomId ?? (() => `test-jti-${String(++counter).padStart(12, '0')}`),
    logger,
    defaultMetrics: false,
    ...(options.sources === undefined ? {} : { sources: options.sources }),
  });
  app.server.listen(0, '127.0.0.1');
  await once(app.server, 'listening');
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    config,
    logs,
    rawLogs,
    close: async (graceMs = 0) => {
      await app.close(graceMs);
    },
  };
}

export interface StartedUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  /** Open TCP connections from the proxy. */
  readonly sockets: ReadonlySet<net.Socket>;
  close(): Promise<void>;
}

/** A real node:http upstream on 127.0.0.1, port 0. */
export async function startUpstream(handler: http.RequestListener): Promise<StartedUpstream> {
  const server = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    sockets,
    close: async () => {
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A raw TCP upstream on 127.0.0.1, port 0, for upstreams that misbehave below HTTP
 * (reset, garbage, a cut body): `onData` gets each connection's first bytes.
 */
export async function startRawUpstream(onData: (socket: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => onData(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An upstream that answers every request with a JSON echo of what it received. */
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

export interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

/** One request over a fresh connection (agent: false); path may be absolute-form for forward mode. */
export function send(
  port: number,
  options: { method?: string; path?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer; host?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body,
            text: () => body.toString('utf8'),
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
