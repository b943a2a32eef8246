/**
 * The /__mock API (never recorded). Each route names its methods and query
 * parameters; mock-upstream/README.md's endpoint table lists the same, and the
 * contract helper's OpenAPI document is written from that table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveAsset } from '../web/assets.js';
import type { Asset } from '../web/assets.js';
import { bodyBytes, readSmallBody } from '../record/body.js';
import type { MockConfig } from '../config/config.js';
import { isJsonBody } from '../http/cross-site-guard.js';
import { JSON_HEADERS, sendError, sendJson } from '../http/errors.js';
import type { EventHub } from '../record/events.js';
import { toCurl } from './export-curl.js';
import { writeHar } from './export-har.js';
import type { Journal, JournalEntry } from '../record/journal.js';
import { writeJsonArray } from '../http/json-stream.js';
import { DEFAULT_WAIT_MS, LIST_PARAMS, parseQuery, SESSION_PARAMS, WAIT_PARAMS } from './query.js';
import type { MockQuery, QueryParam } from './query.js';
import { describeStub, parseStub } from '../stubs/stubs.js';
import type { StubStore } from '../stubs/stubs.js';
import type { Waiters } from '../record/wait.js';

export interface ApiContext {
  readonly config: MockConfig;
  readonly journal: Journal;
  readonly stubs: StubStore;
  readonly events: EventHub;
  readonly waiters: Waiters;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly randomId: () => string;
}

export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The path after /__mock/. */
  readonly route: string;
  readonly query: string;
}

export async function handleApi(ctx: ApiContext, call: ApiRequest): Promise<void> {
  const { res, method, route } = call;
  // Only a stub definition has a body worth reading; any other is drained so keep-alive works.
  if (!(route === 'stubs' && method === 'POST')) call.req.resume();
  if (route === '' || ctx.assets.has(route)) {
    if (allow(res, method, ['GET', 'HEAD'])) serveAsset(res, ctx.assets, route === '' ? 'index.html' : route);
    return;
  }
  const [head = '', id, action, ...rest] = route.split('/');
  if (head === 'requests' && id === undefined) return requests(ctx, call);
  if (head === 'requests.har' && id === undefined) return har(ctx, call);
  if (head === 'requests' && id === 'wait' && action === undefined) return wait(ctx, call);
  if (head === 'requests' && id !== undefined && rest.length === 0) return entryRoute(ctx, call, id, action);
  if (head === 'stubs' && id === undefined) return stubsRoute(ctx, call);
  if (head === 'stubs' && id !== undefined && action === undefined) return stubRoute(ctx, call, id);
  if (head === 'stats' && id === undefined) {
    const query = queryOf(call, SESSION_PARAMS);
    if (query !== undefined && allow(res, method, ['GET', 'HEAD'])) sendJson(res, 200, ctx.journal.stats(query.session));
    return;
  }
  if (head === 'info' && id === undefined) {
    if (queryOf(call, []) !== undefined && allow(res, method, ['GET', 'HEAD'])) sendJson(res, 200, info(ctx));
    return;
  }
  if (head === 'events' && id === undefined) {
    const query = queryOf(call, SESSION_PARAMS);
    if (query !== undefined && allow(res, method, ['GET'])) ctx.events.add(call.req, res, query.session);
    return;
  }
  sendError(res, 'NOT_FOUND', `no such mock endpoint: /__mock/${route}`);
}

function info(ctx: ApiContext): object {
  const { config } = ctx;
  return {
    header: config.token.header,
    requireToken: config.requireToken,
    clockSkewS: config.clockSkewS,
    maxAgeS: config.maxAgeS,
    journalSize: config.journalSize,
    bodyLimit: config.bodyLimit,
    journalFile: config.journalFile !== undefined,
    sessionHeader: config.sessionHeader,
    allowedHosts: config.allowedHosts === '*' ? '*' : [...config.allowedHosts],
    faultSeed: config.faultSeed ?? null,
    stubs: ctx.stubs.list().length,
    waiters: ctx.waiters.size,
    subscribers: ctx.events.size,
    subscribersDropped: ctx.events.dropped,
  };
}

async function requests(ctx: ApiContext, call: ApiRequest): Promise<void> {
  const { res, method } = call;
  if (!allow(res, method, ['GET', 'HEAD', 'DELETE'])) return;
  if (method === 'DELETE') {
    const query = queryOf(call, SESSION_PARAMS);
    if (query === undefined) return;
    ctx.journal.clear(query.session);
    ctx.events.publishClear(query.session);
    res.writeHead(204).end();
    return;
  }
  const query = listQuery(ctx, call, LIST_PARAMS);
  if (query === undefined) return;
  // References only; each entry is serialised as it is written (json-stream.ts).
  const entries = ctx.journal.list(query);
  res.writeHead(200, { ...JSON_HEADERS });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await writeJsonArray(res, '{"requests":[', entries, ']}');
}

async function har(ctx: ApiContext, call: ApiRequest): Promise<void> {
  if (!allow(call.res, call.method, ['GET', 'HEAD'])) return;
  const query = listQuery(ctx, call, LIST_PARAMS);
  if (query === undefined) return;
  call.res.writeHead(200, { ...JSON_HEADERS, 'content-disposition': 'attachment; filename="mock-upstream.har"' });
  if (call.method === 'HEAD') {
    call.res.end();
    return;
  }
  // References only; each HAR entry is built and serialised as the client takes it.
  await writeHar(call.res, ctx.journal.list(query), originOf(call.req));
}

function wait(ctx: ApiContext, call: ApiRequest): void {
  if (!allow(call.res, call.method, ['GET'])) return;
  const query = listQuery(ctx, call, WAIT_PARAMS);
  if (query === undefined) return;
  const { count = 1, timeoutMs = DEFAULT_WAIT_MS, ...filter } = query;
  ctx.waiters.start(call.res, { filter, count, timeoutMs }, ctx.journal.list(filter));
}

function entryRoute(ctx: ApiContext, call: ApiRequest, rawId: string, action: string | undefined): void {
  const { res, method } = call;
  const id = safeDecode(rawId);
  const entry = id === undefined ? undefined : ctx.journal.get(id);
  if (action !== undefined && action !== 'curl' && action !== 'body') {
    sendError(res, 'NOT_FOUND', `no such mock endpoint: /__mock/requests/${rawId}/${action}`);
    return;
  }
  if (!allow(res, method, ['GET', 'HEAD'])) return;
  if (entry === undefined) {
    sendError(res, 'NOT_FOUND', `no recorded request with id ${JSON.stringify(id ?? rawId)}`);
    return;
  }
  if (action === 'curl') return curl(call, entry);
  if (action === 'body') return downloadBody(res, entry);
  if (queryOf(call, []) !== undefined) sendJson(res, 200, entry);
}

function curl(call: ApiRequest, entry: JournalEntry): void {
  const params = new URLSearchParams(call.query);
  const unknown = [...params.keys()].find((name) => name !== 'url');
  const url = params.get('url') ?? undefined;
  if (unknown !== undefined || params.getAll('url').length > 1 || (url !== undefined && !/^https?:\/\/[^\s'"]+$/.test(url))) {
    sendError(call.res, 'BAD_QUERY', 'the only parameter is url, once: an absolute http(s) URL to send the request to instead');
    return;
  }
  const text = Buffer.from(toCurl(entry, originOf(call.req), url));
  call.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': text.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  call.res.end(text);
}

/** The body as recorded, always as a download: never rendered on the mock's origin, whatever its type. */
function downloadBody(res: ServerResponse, entry: JournalEntry): void {
  const bytes = bodyBytes(entry.body);
  if (bytes === undefined) {
    sendError(res, 'BODY_TRUNCATED', `the body was ${entry.body.bytes} bytes, over MOCK_BODY_LIMIT; only its sha256 ${entry.body.sha256} was kept`);
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
    'content-disposition': `attachment; filename="${entry.id.replace(/[^A-Za-z0-9._-]/g, '_')}.body"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  res.end(bytes);
}

async function stubsRoute(ctx: ApiContext, call: ApiRequest): Promise<void> {
  const { res, method } = call;
  if (!allow(res, method, ['GET', 'HEAD', 'POST', 'DELETE'])) return;
  if (method === 'POST') return createStub(ctx, call);
  const query = queryOf(call, SESSION_PARAMS);
  if (query === undefined) return;
  if (method === 'DELETE') {
    ctx.stubs.clear(query.session);
    res.writeHead(204).end();
    return;
  }
  sendJson(res, 200, { stubs: ctx.stubs.list(query.session).map(describeStub) });
}

/**
 * POST /__mock/stubs, in order: JSON only (415: a cross-origin page can send text/plain without a
 * CORS preflight, issue #21), room for one more (409 TOO_MANY_STUBS), size (413), then the schema.
 */
async function createStub(ctx: ApiContext, call: ApiRequest): Promise<void> {
  const { req, res } = call;
  if (queryOf(call, []) === undefined) return;
  if (!isJsonBody(req)) {
    req.resume();
    sendError(res, 'UNSUPPORTED_MEDIA_TYPE', `send the stub as Content-Type: application/json, not ${JSON.stringify(req.headers['content-type'] ?? '(none)')}`);
    return;
  }
  if (ctx.stubs.full) {
    req.resume();
    sendError(res, 'TOO_MANY_STUBS', `${ctx.config.maxStubs} stubs are defined (MOCK_MAX_STUBS); delete some (DELETE /__mock/stubs) first`);
    return;
  }
  const body = await readSmallBody(req, ctx.config.maxStubBytes);
  if (body === undefined) {
    sendError(res, 'STUB_TOO_LARGE', `the stub definition is over ${ctx.config.maxStubBytes} bytes (MOCK_MAX_STUB_BYTES)`);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    sendError(res, 'STUB_INVALID', '(the whole value): is not JSON');
    return;
  }
  const definition = parseStub(value);
  if ('problem' in definition) {
    sendError(res, 'STUB_INVALID', definition.problem);
    return;
  }
  const stub = ctx.stubs.add(definition, ctx.randomId());
  /* c8 ignore next 4 -- only when another POST filled the store while this body was read */
  if (stub === undefined) {
    sendError(res, 'TOO_MANY_STUBS', `${ctx.config.maxStubs} stubs are defined (MOCK_MAX_STUBS); delete some (DELETE /__mock/stubs) first`);
    return;
  }
  sendJson(res, 201, describeStub(stub));
}

function stubRoute(ctx: ApiContext, call: ApiRequest, rawId: string): void {
  const { res, method } = call;
  if (!allow(res, method, ['GET', 'HEAD', 'DELETE'])) return;
  const id = safeDecode(rawId) ?? rawId;
  const stub = ctx.stubs.get(id);
  if (stub === undefined) {
    sendError(res, 'NOT_FOUND', `no stub with id ${JSON.stringify(id)}`);
    return;
  }
  if (method === 'DELETE') {
    ctx.stubs.remove(id);
    res.writeHead(204).end();
    return;
  }
  sendJson(res, 200, describeStub(stub));
}

/** Parses the query, answering 400 itself when it is bad; `since` must name a kept entry. */
function listQuery(ctx: ApiContext, call: ApiRequest, allowed: readonly QueryParam[]): MockQuery | undefined {
  const query = queryOf(call, allowed);
  if (query?.since !== undefined && !ctx.journal.has(query.since)) {
    sendError(call.res, 'BAD_QUERY', `since names no kept entry: ${JSON.stringify(query.since)}`);
    return undefined;
  }
  return query;
}

function queryOf(call: ApiRequest, allowed: readonly QueryParam[]): MockQuery | undefined {
  const parsed = parseQuery(call.query, allowed);
  if ('problem' in parsed) {
    sendError(call.res, 'BAD_QUERY', parsed.problem);
    return undefined;
  }
  return parsed;
}

/** The origin a request reached the mock at, for absolute URLs of entries that had no Host. */
function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`}`;
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
  sendError(res, 'METHOD_NOT_ALLOWED', `use ${allowed.join(' or ')}`);
  return false;
}
