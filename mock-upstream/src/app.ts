/**
 * The mock upstream: records every request, verifies its token independently
 * and lets people (GET /__mock/) and suites (GET /__mock/requests, .../wait) inspect it.
 *
 * Built on node:http rather than Express: the mock exists to show exactly what
 * arrived, so it works on the raw request-target, `rawHeaders` in order and the
 * body bytes as streamed. Express's routing (case-insensitive, trailing-slash
 * lenient), query parser and body parsers would sit between the wire and the
 * record, and a handful of fixed routes needs no router.
 *
 * Request pipeline, in order:
 *   /healthz                 -> {"status":"ok"}
 *   /__mock/...              -> Host check (MOCK_ALLOWED_HOSTS) -> page, journal API, stubs, SSE (api.ts; never recorded)
 *   anything else            -> verify token (at arrival) -> stream body (hash, keep up to the limit)
 *                               -> diagnose -> pick stub, plan fault -> record (file first)
 *                               -> publish to SSE and waiters -> delay -> answer (plain or faulted)
 */
import { Server } from 'node:http';
import type { AppliedFault } from '../../contracts/src/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleApi } from './api/routes.js';
import { loadAssets } from './web/assets.js';
import { collectHeaders, readBody, valuesOf } from './record/body.js';
import type { MockConfig } from './config/config.js';
import { createDiagnoser } from './verify/diagnose.js';
import { JSON_HEADERS, sendError, sendJson } from './http/errors.js';
import { EventHub } from './record/events.js';
import { parseFaults } from './faults/fault-headers.js';
import type { FaultHeaders } from './faults/fault-headers.js';
import { faultDelayMs, MAX_FAULT_DELAY_MS, planFault, sendFaulted, sendPlain } from './faults/faults.js';
import type { Answer } from './faults/faults.js';
import { hostAllowed } from './http/host-guard.js';
import { Journal } from './record/journal.js';
import type { JournalEntry } from './record/journal.js';
import { seededRandom } from './faults/random.js';
import type { Random } from './faults/random.js';
import { ReplayCache } from './verify/replay-cache.js';
import { stubBody, StubStore } from './stubs/stubs.js';
import type { Stub } from './stubs/stubs.js';
import { createVerifier } from './verify/verify.js';
import { Waiters } from './record/wait.js';

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
  /** Journal entry and stub ids; tests pass a counter. */
  readonly randomId: () => string;
  readonly logger: Logger;
  /** Fault rates, jitter and random bytes; default: seeded by MOCK_FAULT_SEED, else Math.random. */
  readonly random?: Random;
  /** Folder holding index.html, app.js and style.css; default: found next to the build or the source. */
  readonly webDir?: URL;
}

const MOCK_PREFIX = '/__mock/';

/** An http.Server whose close() also ends the live-event streams and open waits, which would otherwise hold it open. */
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
  const random = deps.random ?? (config.faultSeed === undefined ? Math.random : seededRandom(config.faultSeed));
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
  const diagnose = createDiagnoser({
    key: config.token.key,
    secretEncoding: config.token.secretEncoding,
    // A token signed with another configured HMAC key (MOCK_KEYS_FILE) is named by its kid.
    otherKeys: profile.fileKeys
      .filter((key) => key.kty === 'oct')
      .map((key) => ({ label: `the key file's key kid ${JSON.stringify(key.kid)}`, key: key.verifyKey.export() })),
  });
  const events = new EventHub({ bufferLimit: config.sseBufferBytes, warn: (details, message) => logger.warn(details, message) });
  const waiters = new Waiters();
  const stubs = new StubStore();
  const assets = loadAssets(deps.webDir, (details, message) => logger.warn(details, message));
  const api = { config, journal, stubs, events, waiters, assets, randomId };

  const server = new MockServer();
  server.onBeforeClose(() => {
    events.endAll();
    waiters.releaseAll();
  });
  server.on('close', () => journal.close());
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (req.readableAborted || res.destroyed) {
        logger.debug({ err: error }, 'client went away');
      } else {
        logger.error({ err: error, method: req.method, url: req.url }, 'request failed');
        if (!res.headersSent) sendError(res, 'INTERNAL');
        else res.destroy();
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
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        sendError(res, 'METHOD_NOT_ALLOWED', 'use GET or HEAD');
        return;
      }
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/__mock' || path.startsWith(MOCK_PREFIX)) {
      if (!hostAllowed(req.headers.host, config.allowedHosts)) {
        req.resume();
        sendError(res, 'HOST_NOT_ALLOWED', `Host ${JSON.stringify(req.headers.host)} is not in MOCK_ALLOWED_HOSTS (DNS rebinding guard)`);
        return;
      }
      if (path === '/__mock') {
        req.resume();
        res.writeHead(308, { location: MOCK_PREFIX, 'content-length': 0 }).end();
        return;
      }
      await handleApi(api, { req, res, method, route: path.slice(MOCK_PREFIX.length), query });
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
    const token = diagnose(await verdict, {
      nowMs: receivedMs,
      tokenValues,
      firstSighting: (jti) => journal.firstValidWithJti(jti),
    });
    const sessionValues = valuesOf(rawHeaders, config.sessionHeader);
    const session = sessionValues.length === 0 ? undefined : sessionValues.join(', ');
    const faults = parseFaults(headers);
    const stub = 'problem' in faults ? undefined : stubs.take({ method: target.method, path: target.path, session });
    // The request's own x-mock-fault wins over its stub's: it is the more specific ask.
    const faultSpec = 'problem' in faults ? undefined : (faults.fault ?? stub?.fault);
    const fault = faultSpec === undefined ? undefined : planFault(faultSpec, random);
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
      ...(session !== undefined && { session }),
      ...(stub && { stubId: stub.id }),
      ...(fault && { fault }),
    };
    journal.record(entry);
    events.publishEntry(entry);
    waiters.offer(entry);
    logger.debug({ id: entry.id, method: entry.method, path: entry.path, code: token.code, stub: stub?.id, fault: fault?.type }, 'recorded');

    answerLater(req, res, { entry, faults, stub, fault, random, requireToken: config.requireToken, tokenHeader: config.token.header });
  }
}

interface AnswerContext {
  readonly entry: JournalEntry;
  readonly faults: FaultHeaders | { readonly problem: string };
  readonly stub: Stub | undefined;
  readonly fault: AppliedFault | undefined;
  readonly random: Random;
  readonly requireToken: boolean;
  readonly tokenHeader: string;
}

/** Waits out the delays (x-mock-delay-ms, else the stub's, plus a delay fault), then answers. */
function answerLater(req: IncomingMessage, res: ServerResponse, ctx: AnswerContext): void {
  const { faults, stub, fault } = ctx;
  const delayMs = 'problem' in faults ? 0 : Math.min(MAX_FAULT_DELAY_MS, (faults.delayMs || (stub?.delayMs ?? 0)) + faultDelayMs(fault));
  if (delayMs === 0) {
    answer(req, res, ctx);
    return;
  }
  const timer = setTimeout(() => answer(req, res, ctx), delayMs);
  res.on('close', () => clearTimeout(timer));
}

/** In order: a bad fault header (400), x-mock-close, 401 mode for an invalid POST, else the (faulted) answer. */
function answer(req: IncomingMessage, res: ServerResponse, ctx: AnswerContext): void {
  const { entry, faults, stub, fault } = ctx;
  const { token } = entry;
  const extra: Record<string, string> = { 'x-mock-entry-id': entry.id, 'x-mock-verdict': token.code, ...(stub && { 'x-mock-stub-id': stub.id }) };
  if ('problem' in faults) {
    sendError(res, 'FAULT_HEADER_INVALID', faults.problem, entry, extra);
  } else if (faults.close) {
    req.socket.destroy();
  } else if (ctx.requireToken && entry.method === 'POST' && !token.valid) {
    sendJson(res, 401, { error: { code: token.code, message: token.message }, ...entry }, {
      ...extra,
      'www-authenticate': `JWT realm="mock-upstream", header="${ctx.tokenHeader}"`,
    });
  } else {
    const planned = plannedAnswer(entry, faults, stub, extra);
    if (fault === undefined || fault.type === 'delay') sendPlain(res, planned);
    else sendFaulted(req, res, fault, planned, ctx.random);
  }
}

/** The answer before any fault: the stub's status, headers and body, else the echo of the entry. */
function plannedAnswer(entry: JournalEntry, faults: FaultHeaders, stub: Stub | undefined, extra: Record<string, string>): Answer {
  const status = faults.status ?? stub?.status ?? 200;
  const body = stub === undefined ? undefined : stubBody(stub);
  if (body === undefined) {
    return { status, headers: { ...(stub?.headers ?? {}), ...extra, ...JSON_HEADERS }, body: Buffer.from(JSON.stringify(entry)) };
  }
  const defaultType = typeof stub?.body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  const hasType = Object.keys(stub?.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
  return { status, headers: { ...(hasType ? {} : { 'content-type': defaultType }), ...stub?.headers, ...extra }, body };
}
