/**
 * Checks an observed HTTP response against contracts/openapi.yaml (issue 14):
 * finds the operation the request reached on that server (its tags say which
 * server serves it), the response for the status, the media type, and
 * validates the JSON body and the declared headers with Ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1). The routing the document cannot
 * express is written down once, here:
 *   - the proxy answers its own endpoints (GET/HEAD, origin-form); everything
 *     else, absolute-form included, reaches the catch-all path item;
 *   - the mock answers an undeclared method on one of its paths with 405 and
 *     an unknown /__mock/ path with 404 (MockError); everything else it records;
 *   - on the catch-all path, a method without an operation of its own is
 *     answered like POST (the superset: a signed method can also get 401).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { contractsFile } from './contract-files.js';

export type ContractRole = 'proxy' | 'mock';

export interface ObservedResponse {
  /** Which server answered. */
  readonly role: ContractRole;
  readonly method: string;
  /** The request-target as sent (origin-form, absolute-form or `*`). */
  readonly target: string;
  readonly status: number;
  /** Response header lines; names in any case. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** Where the contract lives: contracts/openapi.yaml, from dist/contracts/testing/ or contracts/testing/. */
export const OPENAPI_FILE = contractsFile('openapi.yaml');

const DOC_ID = 'urn:jwt-proxy:contracts:openapi.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const CATCH_ALL = 'x-jwt-proxy-catch-all';

type Json = Record<string, unknown>;

interface Located {
  readonly value: Json;
  /** JSON pointer of `value` inside the document. */
  readonly pointer: string;
}

interface Route {
  readonly operation: Located;
  readonly label: string;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const escapePointer = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');

// ajv-formats is CommonJS with a default export; under nodenext its namespace is what `import` gives.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export class OpenApiContract {
  readonly #doc: Json;
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #paths: { readonly template: string; readonly pattern: RegExp; readonly item: Json; readonly catchAll: boolean }[];

  constructor(doc: Json) {
    this.#doc = doc;
    this.#ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: false }));
    this.#ajv.addSchema(doc, DOC_ID);
    const paths = isObject(doc.paths) ? doc.paths : {};
    this.#paths = Object.entries(paths)
      .filter((entry): entry is [string, Json] => isObject(entry[1]))
      .map(([template, item]) => ({ template, item, catchAll: item[CATCH_ALL] === true, pattern: templatePattern(template) }))
      // Concrete paths before templated ones (OpenAPI 3.1 §4.8.8.2: /__mock/requests is not /__mock/{asset}).
      .sort((a, b) => templateCount(a.template) - templateCount(b.template));
  }

  /** Loads and parses the document (default contracts/openapi.yaml). */
  static load(file: URL = OPENAPI_FILE): OpenApiContract {
    const doc: unknown = parse(readFileSync(file, 'utf8'));
    if (!isObject(doc)) throw new Error(`${file.href} is not an OpenAPI document`);
    return new OpenApiContract(doc);
  }

  /** The document's info.version (the contract version). */
  get version(): string {
    const info = this.#doc.info;
    return isObject(info) && typeof info.version === 'string' ? info.version : '';
  }

  /** Every way the response differs from the contract; empty when it conforms. */
  check(observed: ObservedResponse): string[] {
    const route = this.#route(observed);
    if ('problem' in route) return [route.problem];
    const responses = this.#child(route.operation, 'responses');
    const status = String(observed.status);
    const key = [status, `${status[0] ?? ''}XX`, 'default'].find((candidate) => responses !== undefined && isObject(responses.value[candidate]));
    if (responses === undefined || key === undefined) return [`${route.label}: status ${status} is not documented`];
    const response = this.#resolve(this.#child(responses, key) as Located);
    const label = `${route.label} ${status}`;
    return [...this.#checkHeaders(response, observed, label), ...this.#checkBody(response, observed, label)];
  }

  #route(observed: ObservedResponse): Route | { problem: string } {
    const method = observed.method.toLowerCase();
    const originForm = observed.target.startsWith('/');
    const path = originForm ? observed.target.split('?', 1)[0] ?? '' : '';
    const declared = originForm ? this.#paths.find((entry) => !entry.catchAll && entry.pattern.test(path)) : undefined;
    const lookup = method === 'head' ? 'get' : method;
    if (declared !== undefined) {
      const operation = declared.item[lookup];
      if (isObject(operation) && tagsOf(operation).includes(observed.role)) {
        return { operation: { value: operation, pointer: `/paths/${escapePointer(declared.template)}/${lookup}` }, label: labelOf(operation, observed) };
      }
      if (observed.role === 'mock' && tagsOf(declared.item.get).includes('mock')) return this.#mockRefusal(observed, 405);
    } else if (observed.role === 'mock' && path.startsWith('/__mock/')) {
      return this.#mockRefusal(observed, 404);
    }
    const catchAll = this.#paths.find((entry) => entry.catchAll);
    if (catchAll === undefined) return { problem: `no path item is marked ${CATCH_ALL}` };
    const chosen = METHODS.includes(lookup as (typeof METHODS)[number]) && isObject(catchAll.item[lookup]) ? lookup : 'post';
    const operation = catchAll.item[chosen];
    if (!isObject(operation)) return { problem: `the catch-all path item has no ${chosen} operation` };
    return { operation: { value: operation, pointer: `/paths/${escapePointer(catchAll.template)}/${chosen}` }, label: labelOf(operation, observed) };
  }

  /** The mock's 405 / 404 for what it does not serve: a MockError operation made up on the spot. */
  #mockRefusal(observed: ObservedResponse, status: 404 | 405): Route {
    const response = { $ref: '#/components/responses/MockError' };
    return {
      operation: { value: { responses: { [status]: response } }, pointer: '/components/responses/MockError' },
      label: `${observed.method} ${observed.target} (mock, ${status === 405 ? 'undeclared method' : 'unknown /__mock/ path'})`,
    };
  }

  #checkHeaders(response: Located, observed: ObservedResponse, label: string): string[] {
    const declared = this.#child(response, 'headers');
    if (declared === undefined) return [];
    const problems: string[] = [];
    for (const name of Object.keys(declared.value)) {
      const header = this.#resolve(this.#child(declared, name) as Located);
      const values = observed.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
      if (values.length === 0) {
        if (header.value.required === true) problems.push(`${label}: required header ${name} is missing`);
        continue;
      }
      const schema = this.#child(header, 'schema');
      if (schema === undefined) continue;
      for (const value of values) problems.push(...this.#validate(schema.pointer, value, `${label} header ${name}`));
    }
    return problems;
  }

  #checkBody(response: Located, observed: ObservedResponse, label: string): string[] {
    const content = this.#child(response, 'content');
    const bodyless = observed.method.toUpperCase() === 'HEAD' || observed.status === 204 || observed.status === 304;
    if (content === undefined) {
      return observed.body.length === 0 || bodyless ? [] : [`${label}: documents no body, got ${observed.body.length} bytes`];
    }
    if (bodyless) return [];
    const contentType = observed.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
    const key = Object.keys(content.value).find((candidate) => mediaTypeMatches(candidate, mediaType));
    if (key === undefined) return [`${label}: content-type ${JSON.stringify(contentType)} is not documented (${Object.keys(content.value).join(', ')})`];
    const schema = this.#child(this.#child(content, key) as Located, 'schema');
    if (schema === undefined) return [];
    if (!/^application\/(?:[\w.+-]*\+)?json$/.test(mediaType)) return this.#validate(schema.pointer, observed.body.toString('utf8'), `${label} body`);
    let body: unknown;
    try {
      body = JSON.parse(observed.body.toString('utf8'));
    } catch {
      return [`${label}: content-type ${mediaType} but the body is not JSON: ${observed.body.toString('utf8').slice(0, 200)}`];
    }
    return this.#validate(schema.pointer, body, `${label} body`);
  }

  #validate(pointer: string, value: unknown, label: string): string[] {
    let validate = this.#validators.get(pointer);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      this.#validators.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${label}: ${error.instancePath || '(root)'} ${error.message ?? 'is invalid'} (${error.schemaPath})`);
  }

  #child(parent: Located, key: string): Located | undefined {
    const value = parent.value[key];
    return isObject(value) ? { value, pointer: `${parent.pointer}/${escapePointer(key)}` } : undefined;
  }

  /** Follows a local `$ref` (#/components/...) to the object it names. */
  #resolve(located: Located): Located {
    const ref = located.value.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return located;
    let value: unknown = this.#doc;
    for (const token of ref.slice(2).split('/')) {
      value = isObject(value) ? value[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    }
    if (!isObject(value)) throw new Error(`openapi.yaml: ${ref} does not resolve`);
    return this.#resolve({ value, pointer: ref.slice(1) });
  }
}

/** `/__mock/requests/{id}` -> ^/__mock/requests/[^/]+$ (a template segment is one path segment). */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function templateCount(template: string): number {
  return template.split('{').length - 1;
}

function tagsOf(operation: unknown): readonly unknown[] {
  return isObject(operation) && Array.isArray(operation.tags) ? operation.tags : [];
}

function labelOf(operation: Json, observed: ObservedResponse): string {
  const id = typeof operation.operationId === 'string' ? operation.operationId : '?';
  const target = observed.target.length > 80 ? `${observed.target.slice(0, 80)}…` : observed.target;
  return `${observed.method} ${target} (${observed.role}, ${id})`;
}

/** `text/*` and `*\/*` ranges match as in RFC 9110 §12.5.1. */
function mediaTypeMatches(range: string, mediaType: string): boolean {
  const lower = range.toLowerCase();
  if (lower === '*/*' || lower === mediaType) return true;
  return lower.endsWith('/*') && mediaType.startsWith(lower.slice(0, -1));
}
