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
 * This file only wires the parts; which path goes where is server/dispatch.ts,
 * what happens to a recorded request is record/record-request.ts.
 */
import type { Server } from 'node:http';
import { handleApi } from './api/routes.js';
import type { MockConfig } from './config/config.js';
import type { Logger } from './config/logger.js';
import { seededRandom } from './faults/random.js';
import type { Random } from './faults/random.js';
import { EventHub } from './record/events.js';
import { Journal } from './record/journal.js';
import { createRecorder } from './record/record-request.js';
import { Waiters } from './record/wait.js';
import { createDispatch } from './server/dispatch.js';
import { MockServer } from './server/mock-server.js';
import { StubStore } from './stubs/stubs.js';
import { createDiagnoser } from './verify/diagnose.js';
import type { Diagnoser } from './verify/diagnose.js';
import { ReplayCache } from './verify/replay-cache.js';
import { createVerifier } from './verify/verify.js';
import type { Verifier } from './verify/verify.js';
import { loadAssets } from './web/assets.js';

export type { Logger } from './config/logger.js';

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

export function createApp(deps: AppDeps): Server {
  const { config, now, randomId, logger } = deps;
  const warn = (details: object, message?: string): void => logger.warn(details, message);
  const random = deps.random ?? (config.faultSeed === undefined ? Math.random : seededRandom(config.faultSeed));
  const journal = new Journal({ size: config.journalSize, file: config.journalFile, warn });
  const { verify, diagnose } = createTokenCheck(config, journal);
  const events = new EventHub({ bufferLimit: config.sseBufferBytes, warn });
  const waiters = new Waiters();
  const stubs = new StubStore(config.maxStubs);
  const assets = loadAssets(deps.webDir, warn);
  const api = { config, journal, stubs, events, waiters, assets, randomId };
  const recordRequest = createRecorder({ config, now, randomId, logger, random, verify, diagnose, journal, stubs, events, waiters });

  const server = new MockServer();
  server.onBeforeClose(() => {
    events.endAll();
    waiters.releaseAll();
  });
  server.on('close', () => journal.close());
  server.on('request', createDispatch({ allowedHosts: config.allowedHosts, handleApi: (call) => handleApi(api, call), recordRequest, logger }));
  return server;
}

/** The verifier (with a replay window that survives a restart) and the diagnoser, from the configuration. */
function createTokenCheck(config: MockConfig, journal: Journal): { verify: Verifier; diagnose: Diagnoser } {
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
    signedMethods: config.signedMethods,
  });
  return { verify, diagnose };
}
