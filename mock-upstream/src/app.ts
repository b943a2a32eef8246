/**
 * The mock upstream: records every request, verifies its token independently
 * and lets people (GET /__mock/) and suites (GET /__mock/requests) inspect it.
 *
 * Built on node:http rather than Express: the mock exists to show exactly what
 * arrived, so it works on the raw request-target, `rawHeaders` in order and the
 * body bytes as streamed. Express's routing (case-insensitive, trailing-slash
 * lenient), query parser and body parsers would sit between the wire and the
 * record, and a handful of fixed routes needs no router.
 *
 * Request pipeline, in order:
 *   /healthz                 -> {"status":"ok"}
 *   /__mock/...              -> page, static files, journal API, SSE (never recorded)
 *   anything else            -> verify token (at arrival) -> stream body (hash, keep up to the limit)
 *                               -> record (file first) -> publish to SSE -> fault headers -> answer
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VERDICT_CODES } from '../../contracts/src/index.js';
import type { VerdictCode } from '../../contracts/src/index.js';
import type { MockConfig } from './config.js';
import { Journal } from './journal.js';
import type { BodyRecord, JournalEntry, JournalFilter } from './journal.js';
import { ReplayCache } from './replay-cache.js';
import { createVerifier } from './verify.js';

export interface Logger {
  debug(details: object, message?: string): void;
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

export interface AppDeps {
  readonly config: MockConfig;
  /** Epoch milliseconds; tests pass a fixed clock. */
  readonly now: () => number;
  /** Journal entry ids; tests pass a counter. */
  readonly randomId: () => string;
  readonly logger: Logger;
  /** Folder holding index.html, app.js and style.css; default: found next to the build or the source. */
  readonly webDir?: URL;
}

/** Cap on x-mock-delay-ms, so a typo cannot park a connection for hours. */
export const MAX_FAULT_DELAY_MS = 60_000;
/** SSE comment interval: keeps intermediaries from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

const MOCK_PREFIX = '/__mock/';
const LIST_PARAMS = new Set(['method', 'path', 'valid', 'code', 'limit']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** The mock's own error codes; contracts/openapi.yaml's MockErrorCode enum is generated from this list (issue 14). */
export const MOCK_ERROR_CODES = [
  'BAD_QUERY',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'FAULT_HEADER_INVALID',
  'PAGE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type MockErrorCode = (typeof MOCK_ERROR_CODES)[number];

/** An http.Server whose close() also ends the live-event streams, which would otherwise hold it open. */
class MockServer extends Server {
  #beforeClose: () => void = () => undefined;

  onBeforeClose(hook: () => void): void {
    this.#beforeClose = hook;
  }

  override close(callback?: (error?: Error) => void): this {
    this.#beforeClose();
    return super.close(callback);
  }
}

export function createApp(deps: AppDeps): Server {
  const { config, now, randomId, logger } = deps;
  const journal = new Journal({
    size: config.journalSize,
    file: config.journalFile,
    warn: (details, message) => logger.warn(details, message),
  });
  const replay = new ReplayCache({ ttlMs: (config.maxAgeS + config.clockSkewS) * 1000 });
  // A restart must not reopen the replay window for tokens recorded before it.
  for (const entry of journal.list().reverse()) {
    const jti = entry.token.claims?.jti;
    if (entry.token.valid && typeof jti === 'string') replay.remember(jti, Date.parse(entry.receivedAt));
  }
  const { profile } = config;
  const verify = createVerifier({
    key: config.token.key,
    fileKeys: profile.fileKeys,
    ...(profile.jwksUrl && { jwksUrl: profile.jwksUrl }),
    jwksCooldownMs: profile.jwksCooldownMs,
    ...(profile.issuer !== undefined && { issuer: profile.issuer }),
    ...(profile.audiences && { audiences: profile.audiences }),
    clockSkewS: config.clockSkewS,
    maxAgeS: config.maxAgeS,
    replay,
  });
  const events = new EventHub();
  const assets = loadAssets(deps.webDir, logger);

  const server = new MockServer();
  server.onBeforeClose(() => events.endAll());
  server.on('close', () => journal.close());
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (req.readableAborted || res.destroyed) {
        logger.debug({ err: error }, 'client went away');
      } else {
        logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
        sendError(res, 500, 'INTERNAL', 'the mock upstream failed to handle this request');
      }
    });
  });
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const method = req.method ?? 'GET';

    if (path === '/healthz') {
      req.resume();
      if (!allow(res, method, ['GET', 'HEAD'])) return;
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/__mock') {
      req.resume();
      res.writeHead(308, { location: MOCK_PREFIX, 'content-length': 0 }).end();
      return;
    }
    if (path.startsWith(MOCK_PREFIX)) {
      req.resume();
      handleMock(req, res, method, path.slice(MOCK_PREFIX.length), query);
      return;
    }
    await record(req, res, { url, path, query, method });
  }

  async function record(
    req: IncomingMessage,
    res: ServerResponse,
    target: { url: string; path: string; query: string; method: string },
  ): Promise<void> {
    const receivedMs = now();
    const rawHeaders = req.rawHeaders;
    const headers = collectHeaders(rawHeaders);
    const tokenValues = valuesOf(rawHeaders, config.token.header);
    // Verify at arrival (the token's age is judged when the request came in), while the body streams.
    const verdict = verify(tokenValues, receivedMs);
    const body = await readBody(req, config.bodyLimit);
    const token = await verdict;
    const entry: JournalEntry = {
      id: randomId(),
      receivedAt: new Date(receivedMs).toISOString(),
      method: target.method,
      url: target.url,
      path: target.path,
      query: target.query,
      httpVersion: req.httpVersion,
      headers,
      rawHeaders,
      body,
      token,
      replayed: token.code === 'TOKEN_REPLAYED',
    };
    journal.record(entry);
    events.publish('entry', entry);
    logger.debug({ id: entry.id, method: entry.method, path: entry.path, code: token.code }, 'recorded');

    const faults = parseFaults(headers);
    const answer = (): void => {
      const extra = { 'x-mock-entry-id': entry.id, 'x-mock-verdict': token.code };
      if ('problem' in faults) {
        sendJson(res, 400, { error: { code: 'FAULT_HEADER_INVALID', message: faults.problem }, ...entry }, extra);
      } else if (faults.close) {
        req.socket.destroy();
      } else if (config.requireToken && target.method === 'POST' && !token.valid) {
        sendJson(res, 401, { error: { code: token.code, message: token.message }, ...entry }, {
          ...extra,
          'www-authenticate': `JWT realm="mock-upstream", header="${config.token.header}"`,
        });
      } else {
        sendJson(res, faults.status ?? 200, entry, extra);
      }
    };
    const delayMs = 'problem' in faults ? 0 : faults.delayMs;
    if (delayMs === 0) {
      answer();
    } else {
      const timer = setTimeout(answer, delayMs);
      res.on('close', () => clearTimeout(timer));
    }
  }

  function handleMock(req: IncomingMessage, res: ServerResponse, method: string, route: string, query: string): void {
    if (route === '' || assets.has(route)) {
      if (!allow(res, method, ['GET', 'HEAD'])) return;
      serveAsset(res, route === '' ? 'index.html' : route);
      return;
    }
    if (route === 'requests') {
      if (!allow(res, method, ['GET', 'HEAD', 'DELETE'])) return;
      if (method === 'DELETE') {
        journal.clear();
        events.publish('clear', {});
        res.writeHead(204).end();
        return;
      }
      const filter = parseListQuery(query);
      if ('problem' in filter) {
        sendError(res, 400, 'BAD_QUERY', filter.problem);
        return;
      }
      sendJson(res, 200, { requests: journal.list(filter) });
      return;
    }
    if (route.startsWith('requests/')) {
      if (!allow(res, method, ['GET', 'HEAD'])) return;
      const rawId = route.slice('requests/'.length);
      const id = safeDecode(rawId);
      const entry = id === undefined ? undefined : journal.get(id);
      if (entry === undefined) {
        sendError(res, 404, 'NOT_FOUND', `no recorded request with id ${JSON.stringify(id ?? rawId)}`);
        return;
      }
      sendJson(res, 200, entry);
      return;
    }
    if (route === 'stats') {
      if (!allow(res, method, ['GET', 'HEAD'])) return;
      sendJson(res, 200, journal.stats());
      return;
    }
    if (route === 'info') {
      if (!allow(res, method, ['GET', 'HEAD'])) return;
      sendJson(res, 200, {
        header: config.token.header,
        requireToken: config.requireToken,
        clockSkewS: config.clockSkewS,
        maxAgeS: config.maxAgeS,
        journalSize: config.journalSize,
        bodyLimit: config.bodyLimit,
        journalFile: config.journalFile !== undefined,
      });
      return;
    }
    if (route === 'events') {
      if (!allow(res, method, ['GET'])) return;
      events.add(req, res);
      return;
    }
    sendError(res, 404, 'NOT_FOUND', `no such mock endpoint: ${MOCK_PREFIX}${route}`);
  }

  function serveAsset(res: ServerResponse, name: string): void {
    const asset = assets.get(name);
    if (asset === undefined) {
      sendError(res, 503, 'PAGE_UNAVAILABLE', 'the inspection page files (mock-upstream/web) were not found');
      return;
    }
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.content.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      // The page loads only its own files; the favicon is a data: URI.
      'content-security-policy': "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    });
    res.end(asset.content);
  }
}

/** Server-Sent Events for the live page: an `entry` event per recorded request, `clear` on DELETE. */
class EventHub {
  readonly #clients = new Set<ServerResponse>();
  #heartbeat: NodeJS.Timeout | undefined;

  add(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    this.#clients.add(res);
    req.socket.setNoDelay(true);
    res.on('close', () => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stopHeartbeat();
    });
    this.#heartbeat ??= setInterval(() => this.#send(': ping\n\n'), SSE_HEARTBEAT_MS).unref();
  }

  publish(event: 'entry' | 'clear', data: unknown): void {
    if (this.#clients.size > 0) this.#send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  endAll(): void {
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    this.#stopHeartbeat();
  }

  #send(chunk: string): void {
    for (const res of this.#clients) res.write(chunk);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

interface Asset {
  readonly type: string;
  readonly content: Buffer;
}

const ASSET_TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * Reads the page's files once. They live in mock-upstream/web (no build step);
 * from dist/mock-upstream/src that is ../../../mock-upstream/web, or ../web when
 * an image copies them next to the build.
 */
function loadAssets(webDir: URL | undefined, logger: Logger): Map<string, Asset> {
  const candidates = webDir
    ? [webDir]
    : [new URL('../web/', import.meta.url), new URL('../../../mock-upstream/web/', import.meta.url)];
  for (const dir of candidates) {
    try {
      const assets = new Map<string, Asset>();
      for (const [name, type] of Object.entries(ASSET_TYPES)) {
        assets.set(name, { type, content: readFileSync(new URL(name, dir)) });
      }
      return assets;
    } catch {
      // try the next candidate
    }
  }
  logger.warn({ candidates: candidates.map(String) }, 'inspection page files not found; GET /__mock/ answers 503');
  return new Map();
}

/** Streams the body: hashes every byte, keeps bytes only while the total fits the limit. */
async function readBody(req: IncomingMessage, limit: number): Promise<BodyRecord> {
  const hash = createHash('sha256');
  let kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash.update(chunk);
    if (bytes <= limit) kept.push(chunk);
    else kept = [];
  }
  return describeBody(bytes, hash.digest('hex'), bytes <= limit ? Buffer.concat(kept) : undefined);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body record: text when the kept bytes are UTF-8, base64 otherwise, neither when truncated. */
export function describeBody(bytes: number, sha256: string, content: Buffer | undefined): BodyRecord {
  if (content === undefined) return { bytes, sha256, truncated: true };
  try {
    return { bytes, sha256, text: UTF8.decode(content), truncated: false };
  } catch {
    return { bytes, sha256, base64: content.toString('base64'), truncated: false };
  }
}

/** Lower-case name -> value, or every value in arrival order when a name was repeated. */
function collectHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    const values = grouped.get(name);
    if (values === undefined) grouped.set(name, [value]);
    else values.push(value);
  }
  return Object.fromEntries([...grouped].map(([name, values]) => [name, values.length === 1 ? (values[0] as string) : values]));
}

function valuesOf(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === lowerName) values.push(rawHeaders[i + 1] as string);
  }
  return values;
}

type Faults = { readonly status?: number; readonly delayMs: number; readonly close: boolean } | { readonly problem: string };

/** Reads the fault-injection headers; a malformed one is a 400, never silently ignored. */
export function parseFaults(headers: Readonly<Record<string, string | readonly string[]>>): Faults {
  const single = (name: string): string | undefined | { problem: string } => {
    const value = headers[name];
    if (typeof value === 'string') return value.trim();
    return value === undefined ? undefined : { problem: `${name} must be sent at most once` };
  };
  const status = single('x-mock-status');
  const delay = single('x-mock-delay-ms');
  const close = single('x-mock-close');
  for (const value of [status, delay, close]) if (typeof value === 'object') return value;

  let statusCode: number | undefined;
  if (typeof status === 'string') {
    // 1xx codes are informational (RFC 9110 §15.2), never a final answer, so they are refused.
    if (!/^[2-5]\d\d$/.test(status)) return { problem: `x-mock-status must be a final status code from 200 to 599, got "${status}"` };
    statusCode = Number(status);
  }
  let delayMs = 0;
  if (typeof delay === 'string') {
    if (!/^\d{1,9}$/.test(delay)) return { problem: `x-mock-delay-ms must be a whole number of milliseconds, got "${delay}"` };
    delayMs = Math.min(Number(delay), MAX_FAULT_DELAY_MS);
  }
  let closeSocket = false;
  if (typeof close === 'string') {
    const normalised = close.toLowerCase();
    if (normalised === '1' || normalised === 'true') closeSocket = true;
    else if (normalised !== '0' && normalised !== 'false') return { problem: `x-mock-close must be 1 or 0, got "${close}"` };
  }
  return { ...(statusCode !== undefined && { status: statusCode }), delayMs, close: closeSocket };
}

/** Parses the journal filters; unknown or repeated parameters are refused so a typo is not a silent no-op. */
export function parseListQuery(query: string): JournalFilter | { problem: string } {
  const params = new URLSearchParams(query);
  const seen = new Set<string>();
  const filter: { -readonly [K in keyof JournalFilter]: JournalFilter[K] } = {};
  for (const [name, value] of params) {
    if (!LIST_PARAMS.has(name)) return { problem: `unknown parameter "${name}"; allowed: ${[...LIST_PARAMS].join(', ')}` };
    if (seen.has(name)) return { problem: `parameter "${name}" given more than once` };
    seen.add(name);
    if (name === 'method') {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) return { problem: `method must be an HTTP method, got "${value}"` };
      filter.method = value;
    } else if (name === 'path') {
      filter.path = value;
    } else if (name === 'valid') {
      if (value !== 'true' && value !== 'false') return { problem: `valid must be true or false, got "${value}"` };
      filter.valid = value === 'true';
    } else if (name === 'code') {
      const code = VERDICT_CODES.find((candidate) => candidate === value);
      if (code === undefined) return { problem: `code must be one of ${VERDICT_CODES.join(', ')}, got "${value}"` };
      filter.code = code satisfies VerdictCode;
    } else {
      if (!/^\d{1,9}$/.test(value) || Number(value) < 1) return { problem: `limit must be an integer from 1 to 999999999, got "${value}"` };
      filter.limit = Number(value);
    }
  }
  return filter;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function allow(res: ServerResponse, method: string, allowed: readonly string[]): boolean {
  if (allowed.includes(method)) return true;
  res.setHeader('allow', allowed.join(', '));
  sendError(res, 405, 'METHOD_NOT_ALLOWED', `use ${allowed.join(' or ')}`);
  return false;
}

function sendError(res: ServerResponse, status: number, code: MockErrorCode, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    ...headers,
    'content-type': JSON_TYPE,
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(body);
}
