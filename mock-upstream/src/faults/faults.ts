/**
 * Faults (issue 13), as a stub's `fault` or the request header `x-mock-fault`:
 *
 *   reset              the connection is reset before the response head
 *   reset-mid-body     the head and half the body are sent, then the connection is reset
 *   malformed-chunk    a chunked body: one good chunk, then a chunk-size line that is not hex, then FIN
 *   random-then-close  `bytes` random bytes instead of a response, then FIN
 *   dribble            the whole answer, its body `bytes` at a time every `intervalMs`
 *   interim            a 102 Processing or 103 Early Hints before the final answer
 *   delay              the answer after `ms` plus up to `jitterMs` more
 *
 * Each takes `rate` (0..1, default 1): the probability it applies, drawn from the
 * injected Random (MOCK_FAULT_SEED makes it reproducible). The header form is
 * `x-mock-fault: dribble; bytes=16; intervalMs=10; rate=0.5`, validated by the same
 * schema as the stub form, so both refuse the same mistakes with the same paths.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { AppliedFault } from '../../../contracts/src/index.js';
import { randomBytesFrom } from './random.js';
import type { Random } from './random.js';

/** Cap on every delay (x-mock-delay-ms, a stub's delayMs, a delay fault), so a typo cannot park a connection for hours. */
export const MAX_FAULT_DELAY_MS = 60_000;
/** Gap before a malformed chunk, so it arrives in its own segment after the head and a good chunk. */
const MALFORMED_CHUNK_GAP_MS = 20;

const rate = z.number().min(0).max(1).default(1);
const delay = z.number().int().min(0).max(MAX_FAULT_DELAY_MS);

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('reset'), rate }),
  z.strictObject({ type: z.literal('reset-mid-body'), rate }),
  z.strictObject({ type: z.literal('malformed-chunk'), rate }),
  z.strictObject({ type: z.literal('random-then-close'), bytes: z.number().int().min(1).max(65_536).default(64), rate }),
  z.strictObject({
    type: z.literal('dribble'),
    bytes: z.number().int().min(1).max(65_536).default(64),
    intervalMs: z.number().int().min(0).max(10_000).default(50),
    rate,
  }),
  z.strictObject({ type: z.literal('interim'), status: z.union([z.literal(102), z.literal(103)]).default(103), rate }),
  z.strictObject({ type: z.literal('delay'), ms: delay, jitterMs: delay.default(0), rate }),
]);

export type FaultSpec = z.infer<typeof faultSchema>;
export const FAULT_TYPES = ['reset', 'reset-mid-body', 'malformed-chunk', 'random-then-close', 'dribble', 'interim', 'delay'] as const;

/** Describes a zod issue as `path: reason`, the form every 400 of the mock uses. */
export function describeIssue(issue: z.core.$ZodIssue, prefix: string): string {
  const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
  return `${path === '' ? '(the whole value)' : path}: ${issue.message}`;
}

/** Parses the x-mock-fault header value: `name` then `; key=value` parameters (numbers as numbers). */
export function parseFaultHeader(value: string): FaultSpec | { problem: string } {
  const [name = '', ...parameters] = value.split(';').map((part) => part.trim());
  const candidate: Record<string, unknown> = { type: name };
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals <= 0) return { problem: `x-mock-fault: parameter "${parameter}" is not key=value` };
    const key = parameter.slice(0, equals).trim();
    const raw = parameter.slice(equals + 1).trim();
    candidate[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  const parsed = faultSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    /* c8 ignore next -- a failed parse always has an issue */
    if (issue === undefined) return { problem: 'x-mock-fault is invalid' };
    const hint = issue.path[0] === 'type' || issue.path.length === 0 ? ` (one of ${FAULT_TYPES.join(', ')})` : '';
    return { problem: `${describeIssue(issue, 'x-mock-fault')}${hint}` };
  }
  return parsed.data;
}

/**
 * Decides whether the fault applies (one draw when rate < 1) and resolves its
 * parameters (one more draw for jitter), so the entry records what was done.
 */
export function planFault(spec: FaultSpec, random: Random): AppliedFault | undefined {
  if (spec.rate < 1 && !(random() < spec.rate)) return undefined;
  switch (spec.type) {
    case 'delay':
      return { type: 'delay', ms: spec.ms + (spec.jitterMs > 0 ? Math.floor(random() * (spec.jitterMs + 1)) : 0) };
    case 'random-then-close':
      return { type: spec.type, bytes: spec.bytes };
    case 'dribble':
      return { type: spec.type, bytes: spec.bytes, intervalMs: spec.intervalMs };
    case 'interim':
      return { type: spec.type, status: spec.status };
    default:
      return { type: spec.type };
  }
}

/** What the mock would answer without a fault. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The delay a fault adds before anything is sent (only `delay` has one). */
export function faultDelayMs(fault: AppliedFault | undefined): number {
  return fault?.type === 'delay' && typeof fault.ms === 'number' ? fault.ms : 0;
}

/** Sends `answer` as the fault dictates (a `delay` has already been waited out: it sends plainly). */
export function sendFaulted(req: IncomingMessage, res: ServerResponse, fault: AppliedFault, answer: Answer, random: Random): void {
  const socket = req.socket;
  const bodyAllowed = req.method !== 'HEAD' && answer.status !== 204 && answer.status !== 304;
  const body = bodyAllowed ? answer.body : Buffer.alloc(0);
  switch (fault.type) {
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'reset-mid-body':
      res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length, connection: 'close' });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => setImmediate(() => socket.resetAndDestroy()));
      return;
    case 'malformed-chunk':
      malformedChunk(req, answer, body);
      return;
    case 'random-then-close':
      socket.end(randomBytesFrom(random, Number(fault.bytes)));
      return;
    case 'dribble':
      dribble(res, answer, body, Number(fault.bytes), Number(fault.intervalMs));
      return;
    case 'interim':
      if (fault.status === 102) res.writeProcessing();
      else res.writeEarlyHints({ link: '</__mock/style.css>; rel=preload; as=style' });
      sendPlain(res, answer);
      return;
    default:
      sendPlain(res, answer);
  }
}

export function sendPlain(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
}

/**
 * The head and a good chunk first, so the client is mid-body when the bad one comes.
 * RFC 9112 §7.1: a chunk-size is hex; "zz" is not, so a conforming client must fail the body.
 */
function malformedChunk(req: IncomingMessage, answer: Answer, body: Buffer): void {
  const socket = req.socket;
  const half = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  const head = rawHead(answer, { 'transfer-encoding': 'chunked', connection: 'close' });
  socket.write(Buffer.concat([head, Buffer.from(`${half.length.toString(16)}\r\n`), half, Buffer.from('\r\n')]), () => {
    const timer = setTimeout(() => socket.end('zz\r\n'), MALFORMED_CHUNK_GAP_MS);
    socket.once('close', () => clearTimeout(timer));
  });
}

function dribble(res: ServerResponse, answer: Answer, body: Buffer, bytes: number, intervalMs: number): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length });
  let offset = 0;
  const timer = setInterval(() => {
    const chunk = body.subarray(offset, offset + bytes);
    offset += chunk.length;
    if (offset >= body.length) {
      clearInterval(timer);
      res.end(chunk);
    } else {
      res.write(chunk);
    }
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

function rawHead(answer: Answer, extra: Record<string, string>): Buffer {
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}`];
  for (const [name, value] of Object.entries({ ...answer.headers, ...extra })) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
