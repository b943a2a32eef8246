/**
 * Recording a request that is not for /__mock, in order: verify its token (at arrival) while the
 * body streams (hash, keep up to the limit) -> diagnose -> pick stub, plan fault -> record (file
 * first) -> publish to SSE and waiters -> answer after the delays (answer.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppliedFault } from '../../../contracts/src/index.js';
import type { MockConfig } from '../config/config.js';
import type { Logger } from '../config/logger.js';
import { parseFaults } from '../faults/fault-headers.js';
import type { FaultHeaders } from '../faults/fault-headers.js';
import { planFault } from '../faults/faults.js';
import type { Random } from '../faults/random.js';
import type { Stub, StubStore } from '../stubs/stubs.js';
import type { Diagnoser } from '../verify/diagnose.js';
import type { Verifier } from '../verify/verify.js';
import { answerLater } from './answer.js';
import { collectHeaders, readBody, valuesOf } from './body.js';
import type { EventHub } from './events.js';
import type { Journal, JournalEntry } from './journal.js';
import type { Waiters } from './wait.js';

/** MOCK_REQUIRE_TOKEN off: no method's missing token is refused. */
const NO_METHODS: ReadonlySet<string> = new Set();

/** The request-target split once by the dispatcher. */
export interface RequestTarget {
  readonly url: string;
  readonly path: string;
  readonly query: string;
  readonly method: string;
}

export interface RecorderOptions {
  readonly config: MockConfig;
  readonly now: () => number;
  readonly randomId: () => string;
  readonly logger: Logger;
  readonly random: Random;
  readonly verify: Verifier;
  readonly diagnose: Diagnoser;
  readonly journal: Journal;
  readonly stubs: StubStore;
  readonly events: EventHub;
  readonly waiters: Waiters;
}

export type RecordRequest = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

interface Plan {
  readonly faults: FaultHeaders | { readonly problem: string };
  readonly stub: Stub | undefined;
  readonly fault: AppliedFault | undefined;
}

export function createRecorder(options: RecorderOptions): RecordRequest {
  const { config, journal, logger } = options;
  return async (req, res, target) => {
    const receivedMs = options.now();
    const { rawHeaders } = req;
    const headers = collectHeaders(rawHeaders);
    const tokenValues = valuesOf(rawHeaders, config.token.header);
    // Verify at arrival (the token's age is judged when the request came in), while the body streams.
    const verdict = options.verify(tokenValues, receivedMs);
    const body = await readBody(req, config.bodyLimit);
    const token = options.diagnose(await verdict, {
      nowMs: receivedMs,
      tokenValues,
      firstSighting: (jti) => journal.firstValidWithJti(jti),
      method: target.method,
    });
    const sessionValues = valuesOf(rawHeaders, config.sessionHeader);
    const session = sessionValues.length === 0 ? undefined : sessionValues.join(', ');
    const { faults, stub, fault } = plan(options, headers, { method: target.method, path: target.path, session });
    const entry: JournalEntry = {
      id: options.randomId(),
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
    options.events.publishEntry(entry);
    options.waiters.offer(entry);
    logger.debug({ id: entry.id, method: entry.method, path: entry.path, code: token.code, stub: stub?.id, fault: fault?.type }, 'recorded');
    answerLater(req, res, { entry, faults, stub, fault, random: options.random, requireTokenFor: config.requireToken ? config.signedMethods : NO_METHODS, tokenHeader: config.token.header });
  };
}

/** The fault headers, the stub that answers and the fault that applies; a bad fault header takes no stub. */
function plan(
  options: RecorderOptions,
  headers: Record<string, string | string[]>,
  request: { method: string; path: string; session: string | undefined },
): Plan {
  const faults = parseFaults(headers);
  if ('problem' in faults) return { faults, stub: undefined, fault: undefined };
  const stub = options.stubs.take(request);
  // The request's own x-mock-fault wins over its stub's: it is the more specific ask.
  const faultSpec = faults.fault ?? stub?.fault;
  const fault = faultSpec === undefined ? undefined : planFault(faultSpec, options.random);
  return { faults, stub, fault };
}
