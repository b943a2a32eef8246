/**
 * A small kustomize renderer, limited to the fields deploy/kubernetes/ uses, so npm test can render
 * the base and its overlays offline (issue 15): no kustomize binary can be installed from Debian or
 * npm here (kubectl's built-in one is not packaged for bookworm), and a test must not download one.
 *
 * Supported, with kustomize's semantics:
 *  - `resources`: YAML files (several documents each) and directories holding a kustomization.yaml;
 *  - `secretGenerator`: `name`, `envs` (KEY=VALUE files), `type` (default Opaque), rendered as
 *    base64 `data`, with `generatorOptions.disableNameSuffixHash: true` (required: the hash suffix
 *    and the name references it rewrites are not implemented);
 *  - `patches` with `path` to a strategic-merge patch: maps merge, lists of objects keyed by `name`
 *    merge item by item, other lists and scalars are replaced;
 *  - `namespace`: set on every namespaced object.
 * Any other field is refused with FIELD_UNSUPPORTED rather than silently ignored, so a manifest
 * change that outgrows this renderer fails the test instead of rendering something else.
 * When kubectl is on PATH, kustomize.test.ts checks that `kubectl kustomize` agrees.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type KustomizeErrorCode =
  | 'KUSTOMIZATION_MISSING'
  | 'FIELD_UNSUPPORTED'
  | 'YAML_INVALID'
  | 'RESOURCE_INVALID'
  | 'RESOURCE_DUPLICATE'
  | 'RESOURCE_MISSING'
  | 'GENERATOR_FILE_MISSING'
  | 'ENV_LINE_INVALID'
  | 'PATCH_TARGET_MISSING';

/** What each code means: the one table the messages and the table test read. */
export const KUSTOMIZE_ERRORS: Readonly<Record<KustomizeErrorCode, string>> = {
  KUSTOMIZATION_MISSING: 'no kustomization.yaml in the directory',
  FIELD_UNSUPPORTED: 'kustomization field or option this renderer does not implement',
  YAML_INVALID: 'file is not valid YAML',
  RESOURCE_INVALID: 'document is not a Kubernetes object with apiVersion, kind and metadata.name',
  RESOURCE_DUPLICATE: 'two objects with the same kind, namespace and name',
  RESOURCE_MISSING: 'listed resource does not exist',
  GENERATOR_FILE_MISSING: 'secretGenerator env file does not exist',
  ENV_LINE_INVALID: 'env file line is not KEY=VALUE',
  PATCH_TARGET_MISSING: 'patch names an object that is not rendered',
};

export class KustomizeError extends Error {
  readonly code: KustomizeErrorCode;
  constructor(code: KustomizeErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${KUSTOMIZE_ERRORS[code]}: ${detail}`, options);
    this.name = 'KustomizeError';
    this.code = code;
  }
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Manifest extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string };
}

const SUPPORTED_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'patches',
  'secretGenerator',
  'generatorOptions',
]);

/** Kinds the namespace transformer leaves alone (the ones deploy/kubernetes/ can contain). */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Namespace']);

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders the kustomization in `dir`, with its bases, into the objects kustomize would print. */
export function renderKustomization(dir: string): Manifest[] {
  const root = resolve(dir);
  const file = join(root, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError('KUSTOMIZATION_MISSING', root);
  const [kustomization] = readYaml(file);
  if (!isObject(kustomization)) throw new KustomizeError('YAML_INVALID', `${file}: not a mapping`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: ${field}`);
  }
  const objects: Manifest[] = [];
  for (const entry of stringList(kustomization, 'resources', file)) objects.push(...loadResource(root, entry));
  objects.push(...generateSecrets(root, kustomization, file));
  for (const path of patchPaths(kustomization, file)) applyPatchFile(objects, join(root, path));
  const namespace = kustomization['namespace'];
  if (typeof namespace === 'string') {
    for (const object of objects) {
      if (!CLUSTER_SCOPED_KINDS.has(object.kind)) object.metadata['namespace'] = namespace;
    }
  }
  assertUnique(objects);
  return objects;
}

function readYaml(file: string): Json[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const values: Json[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first !== undefined) throw new KustomizeError('YAML_INVALID', `${file}: ${first.message}`, { cause: first });
    const value = doc.toJSON() as Json;
    if (value !== null) values.push(value);
  }
  return values;
}

function stringList(kustomization: JsonObject, field: string, file: string): string[] {
  const value = kustomization[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: ${field} must be a list of paths`);
  }
  return value as string[];
}

function loadResource(root: string, entry: string): Manifest[] {
  const path = join(root, entry);
  if (!existsSync(path)) throw new KustomizeError('RESOURCE_MISSING', path);
  if (statSync(path).isDirectory()) return renderKustomization(path);
  return readYaml(path).map((doc) => asManifest(doc, path));
}

function asManifest(doc: Json, file: string): Manifest {
  const ok =
    isObject(doc) &&
    typeof doc['apiVersion'] === 'string' &&
    typeof doc['kind'] === 'string' &&
    isObject(doc['metadata']) &&
    typeof doc['metadata']['name'] === 'string';
  if (!ok) throw new KustomizeError('RESOURCE_INVALID', file);
  return doc as Manifest;
}

function generateSecrets(root: string, kustomization: JsonObject, file: string): Manifest[] {
  const generators = kustomization['secretGenerator'];
  if (generators === undefined) return [];
  const options = kustomization['generatorOptions'];
  if (!isObject(options) || options['disableNameSuffixHash'] !== true || Object.keys(options).length !== 1) {
    throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: generatorOptions must be exactly disableNameSuffixHash: true`);
  }
  if (!Array.isArray(generators)) throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: secretGenerator must be a list`);
  return generators.map((generator) => generateSecret(root, generator, file));
}

function generateSecret(root: string, generator: Json, file: string): Manifest {
  if (!isObject(generator) || typeof generator['name'] !== 'string') {
    throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: a secretGenerator needs a name`);
  }
  for (const field of Object.keys(generator)) {
    if (!['name', 'envs', 'type'].includes(field)) {
      throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: secretGenerator.${field}`);
    }
  }
  const data: JsonObject = {};
  for (const envFile of stringList(generator, 'envs', file)) {
    for (const [key, value] of readEnvFile(join(root, envFile))) data[key] = Buffer.from(value).toString('base64');
  }
  const type = typeof generator['type'] === 'string' ? generator['type'] : 'Opaque';
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: generator['name'] }, type, data };
}

/** kustomize's env files: KEY=VALUE lines taken literally (no quotes, no expansion), # comments. */
export function readEnvFile(path: string): Array<[string, string]> {
  if (!existsSync(path)) throw new KustomizeError('GENERATOR_FILE_MISSING', path);
  const pairs: Array<[string, string]> = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
        throw new KustomizeError('ENV_LINE_INVALID', `${path}:${index + 1}`);
      }
      pairs.push([key, line.slice(eq + 1)]);
    });
  return pairs;
}

function patchPaths(kustomization: JsonObject, file: string): string[] {
  const patches = kustomization['patches'];
  if (patches === undefined) return [];
  if (!Array.isArray(patches)) throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: patches must be a list`);
  return patches.map((patch) => {
    if (!isObject(patch) || typeof patch['path'] !== 'string' || Object.keys(patch).length !== 1) {
      throw new KustomizeError('FIELD_UNSUPPORTED', `${file}: only patches with a path (strategic merge) are rendered`);
    }
    return patch['path'];
  });
}

function applyPatchFile(objects: Manifest[], path: string): void {
  if (!existsSync(path)) throw new KustomizeError('RESOURCE_MISSING', path);
  for (const doc of readYaml(path)) {
    const patch = asManifest(doc, path);
    const index = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    const target = objects[index];
    if (target === undefined) {
      throw new KustomizeError('PATCH_TARGET_MISSING', `${path}: ${patch.kind}/${patch.metadata.name}`);
    }
    objects[index] = strategicMerge(target, patch) as Manifest;
  }
}

/**
 * Strategic merge as the files use it: maps merge key by key; a list whose items are all objects
 * with a `name` (containers, env, ports, volumes) merges item by item; anything else is replaced.
 * `$patch` directives are refused (not implemented).
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (isObject(patch) && '$patch' in patch) throw new KustomizeError('FIELD_UNSUPPORTED', '$patch directive');
  if (isObject(target) && isObject(patch)) {
    const merged: JsonObject = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      const current = merged[key];
      merged[key] = current === undefined || value === null ? value : strategicMerge(current, value);
    }
    // A null in the patch deletes the key, as in kustomize.
    return Object.fromEntries(Object.entries(merged).filter(([key]) => patch[key] !== null));
  }
  if (Array.isArray(target) && Array.isArray(patch) && isNamedList(target) && isNamedList(patch)) {
    const merged: Json[] = [...target];
    for (const item of patch) {
      const at = merged.findIndex((m) => isObject(m) && m['name'] === item['name']);
      if (at === -1) merged.push(item);
      else merged[at] = strategicMerge(merged[at] as Json, item);
    }
    return merged;
  }
  return patch;
}

function isNamedList(list: Json[]): list is JsonObject[] {
  return list.length > 0 && list.every((item) => isObject(item) && typeof item['name'] === 'string');
}

function assertUnique(objects: readonly Manifest[]): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const id = objectId(object);
    if (seen.has(id)) throw new KustomizeError('RESOURCE_DUPLICATE', id);
    seen.add(id);
  }
}

/** kind/namespace/name: how kustomize tells objects apart. */
export function objectId(object: Manifest): string {
  const namespace = object.metadata['namespace'];
  return `${object.kind}/${typeof namespace === 'string' ? namespace : ''}/${object.metadata.name}`;
}
