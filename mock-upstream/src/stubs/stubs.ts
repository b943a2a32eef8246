/**
 * Stubs (issue 13): POST /__mock/stubs defines an answer for the requests it
 * matches; GET lists them, DELETE removes them. The first stub that matches and
 * still has `times` left answers; with none, the echo stays the answer.
 */
import { z } from 'zod';
import { describeIssue, faultSchema, MAX_FAULT_DELAY_MS } from '../faults/faults.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing is the mock's job (RFC 9112 §6): a stub cannot set these. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

export const stubSchema = z
  .strictObject({
    method: z.string().regex(TOKEN, 'must be an HTTP method').optional(),
    path: z.string().startsWith('/', 'must start with /').optional(),
    pathPrefix: z.string().startsWith('/', 'must start with /').optional(),
    session: z.string().min(1, 'must not be empty').optional(),
    status: z.number().int().min(200, 'must be a final status from 200 to 599').max(599, 'must be a final status from 200 to 599').default(200),
    headers: z
      .record(z.string().regex(TOKEN, 'must be an HTTP field name'), z.string().regex(/^[^\r\n\0]*$/, 'must not contain CR, LF or NUL'))
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers)) {
          if (FRAMING_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the mock (framing)' });
        }
      })
      .default({}),
    body: z.union([z.string(), z.strictObject({ base64: z.base64('must be base64') })]).optional(),
    delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).default(0),
    fault: faultSchema.optional(),
    times: z.number().int().min(1, 'must be at least 1 (leave it out for no limit)').optional(),
  })
  .refine((stub) => stub.path === undefined || stub.pathPrefix === undefined, {
    path: ['pathPrefix'],
    message: 'give path or pathPrefix, not both',
  });

export type StubDefinition = z.infer<typeof stubSchema>;

export interface Stub extends StubDefinition {
  readonly id: string;
  /** How often it has answered. */
  used: number;
}

/** The stub as the API shows it: its definition, id, use count and what is left of `times`. */
export function describeStub(stub: Stub): object {
  return { ...stub, remaining: stub.times === undefined ? null : stub.times - stub.used };
}

/** Validates a stub definition; a problem names the field path and the reason. */
export function parseStub(value: unknown): StubDefinition | { problem: string } {
  const parsed = stubSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return { problem: parsed.error.issues.map((issue) => describeIssue(issue, '')).join('; ') };
}

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly session: string | undefined;
}

export class StubStore {
  /** In definition order: the first match wins. */
  readonly #stubs: Stub[] = [];
  /** MOCK_MAX_STUBS: spent stubs (`times` used up) count until deleted, as they are still listed. */
  readonly #max: number;

  constructor(max: number = Number.POSITIVE_INFINITY) {
    this.#max = max;
  }

  /** True when no stub can be added (issue #21: 1,200 stubs of 149 KB took 344 MB). */
  get full(): boolean {
    return this.#stubs.length >= this.#max;
  }

  /** Adds a stub last; undefined when the store is full. */
  add(definition: StubDefinition, id: string): Stub | undefined {
    if (this.full) return undefined;
    const stub: Stub = { ...definition, id, used: 0 };
    this.#stubs.push(stub);
    return stub;
  }

  list(session?: string): Stub[] {
    return this.#stubs.filter((stub) => session === undefined || stub.session === session);
  }

  get(id: string): Stub | undefined {
    return this.#stubs.find((stub) => stub.id === id);
  }

  remove(id: string): boolean {
    const index = this.#stubs.findIndex((stub) => stub.id === id);
    if (index >= 0) this.#stubs.splice(index, 1);
    return index >= 0;
  }

  /** Removes every stub, or those of one session. */
  clear(session?: string): void {
    for (let i = this.#stubs.length - 1; i >= 0; i--) {
      if (session === undefined || this.#stubs[i]?.session === session) this.#stubs.splice(i, 1);
    }
  }

  /** The first stub that matches and has uses left; counts the use. */
  take(request: StubRequest): Stub | undefined {
    const stub = this.#stubs.find((candidate) => matches(candidate, request));
    if (stub !== undefined) stub.used += 1;
    return stub;
  }
}

function matches(stub: Stub, request: StubRequest): boolean {
  if (stub.times !== undefined && stub.used >= stub.times) return false;
  if (stub.method !== undefined && stub.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (stub.path !== undefined && stub.path !== request.path) return false;
  if (stub.pathPrefix !== undefined && !request.path.startsWith(stub.pathPrefix)) return false;
  if (stub.session !== undefined && stub.session !== request.session) return false;
  return true;
}

/** A stub's body as bytes; undefined means "answer with the echo". */
export function stubBody(stub: Stub): Buffer | undefined {
  if (stub.body === undefined) return undefined;
  return typeof stub.body === 'string' ? Buffer.from(stub.body, 'utf8') : Buffer.from(stub.body.base64, 'base64');
}
