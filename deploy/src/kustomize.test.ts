import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KustomizeErrorCode, Manifest } from './kustomize.js';
import { KUSTOMIZE_ERRORS, KustomizeError, objectId, readEnvFile, renderKustomization, strategicMerge } from './kustomize.js';

const KUBERNETES_DIR = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kustomize-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

let trees = 0;
/** Writes files (path → text) into a fresh directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = join(work, `t${(trees += 1)}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  A: "1"\n  B: "2"\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          env: [{ name: X, value: '1' }]
        - name: sidecar
          image: side:1
`;

function rejects(fn: () => unknown, code: KustomizeErrorCode): void {
  assert.throws(fn, (err: unknown) => err instanceof KustomizeError && err.code === code);
}

describe('renderKustomization', () => {
  it('renders every document of every listed file, then the objects of a base directory', () => {
    const root = tree({
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': CONFIGMAP,
      'overlay/kustomization.yaml': 'resources: [../base, two.yaml]\n',
      'overlay/two.yaml': `${DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata: { name: app }\n---\n`,
    });
    const objects = renderKustomization(join(root, 'overlay'));
    assert.deepEqual(objects.map(objectId), ['ConfigMap//settings', 'Deployment//app', 'Service//app']);
  });

  it('sets the namespace on namespaced objects only, overriding a base namespace', () => {
    const root = tree({
      'base/kustomization.yaml': 'namespace: inner\nresources: [cm.yaml]\n',
      'base/cm.yaml': CONFIGMAP,
      'kustomization.yaml': 'namespace: outer\nresources: [ns.yaml, base]\n',
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: outer }\n',
    });
    assert.deepEqual(renderKustomization(root).map(objectId), ['Namespace//outer', 'ConfigMap/outer/settings']);
  });

  it('generates a base64 Opaque Secret from an env file, named without a hash suffix', () => {
    const root = tree({
      'kustomization.yaml': `secretGenerator:\n  - name: keys\n    envs: [k.env]\ngeneratorOptions:\n  disableNameSuffixHash: true\n`,
      'k.env': '# a comment\n\nJWT_SECRET=a=b c \n',
    });
    assert.deepEqual(renderKustomization(root), [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'keys' },
        type: 'Opaque',
        data: { JWT_SECRET: Buffer.from('a=b c ').toString('base64') },
      },
    ]);
  });

  it('keeps a generator type given explicitly', () => {
    const root = tree({
      'kustomization.yaml': `secretGenerator:\n  - name: keys\n    type: example.com/key\ngeneratorOptions: { disableNameSuffixHash: true }\n`,
    });
    assert.deepEqual(renderKustomization(root), [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'keys' }, type: 'example.com/key', data: {} },
    ]);
  });

  it('applies a strategic-merge patch: maps merge, named lists merge by name, null deletes', () => {
    const root = tree({
      'kustomization.yaml': 'resources: [cm.yaml, d.yaml]\npatches:\n  - path: p.yaml\n',
      'cm.yaml': CONFIGMAP,
      'd.yaml': DEPLOYMENT,
      'p.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: changed, B: null, C: "3" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  template:
    spec:
      containers:
        - name: app
          env: [{ name: Y, value: '2' }]
        - name: added
          image: new:1
`,
    });
    const [cm, deployment] = renderKustomization(root);
    assert.deepEqual(cm?.['data'], { A: 'changed', C: '3' });
    assert.deepEqual((deployment as Manifest & { spec: { template: { spec: { containers: unknown } } } }).spec.template.spec.containers, [
      { name: 'app', image: 'app:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
      { name: 'sidecar', image: 'side:1' },
      { name: 'added', image: 'new:1' },
    ]);
  });

  it('refuses every kustomization field it does not implement', () => {
    for (const field of ['commonLabels: { a: b }', 'images: []', 'namePrefix: x-', 'configMapGenerator: []']) {
      rejects(() => renderKustomization(tree({ 'kustomization.yaml': `${field}\n` })), 'FIELD_UNSUPPORTED');
    }
  });

  it('refuses hash-suffixed generators, generator options and patch forms it does not implement', () => {
    const cases = [
      'secretGenerator: [{ name: k }]\n',
      'secretGenerator: [{ name: k }]\ngeneratorOptions: { disableNameSuffixHash: false }\n',
      'secretGenerator: [{ name: k }]\ngeneratorOptions: { disableNameSuffixHash: true, labels: { a: b } }\n',
      'secretGenerator: { name: k }\ngeneratorOptions: { disableNameSuffixHash: true }\n',
      'secretGenerator: [{ literals: [A=1] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n',
      'secretGenerator: [{ name: k, literals: [A=1] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n',
      'patches: { path: p.yaml }\n',
      'patches: [{ path: p.yaml, target: { kind: ConfigMap } }]\n',
      'patches: [{ patch: "[]" }]\n',
      'resources: cm.yaml\n',
    ];
    for (const text of cases) rejects(() => renderKustomization(tree({ 'kustomization.yaml': text })), 'FIELD_UNSUPPORTED');
  });

  it('names each broken input with its code', () => {
    rejects(() => renderKustomization(tree({ 'other.yaml': '' })), 'KUSTOMIZATION_MISSING');
    rejects(() => renderKustomization(tree({ 'kustomization.yaml': '- a list\n' })), 'YAML_INVALID');
    rejects(() => renderKustomization(tree({ 'kustomization.yaml': 'resources: [a.yaml]\n', 'a.yaml': 'a: [\n' })), 'YAML_INVALID');
    rejects(() => renderKustomization(tree({ 'kustomization.yaml': 'resources: [gone.yaml]\n' })), 'RESOURCE_MISSING');
    rejects(() => renderKustomization(tree({ 'kustomization.yaml': 'patches: [{ path: gone.yaml }]\n' })), 'RESOURCE_MISSING');
    rejects(
      () => renderKustomization(tree({ 'kustomization.yaml': 'resources: [a.yaml]\n', 'a.yaml': 'kind: ConfigMap\nmetadata: {}\n' })),
      'RESOURCE_INVALID',
    );
    rejects(
      () => renderKustomization(tree({ 'kustomization.yaml': 'resources: [a.yaml, a.yaml]\n', 'a.yaml': CONFIGMAP })),
      'RESOURCE_DUPLICATE',
    );
    rejects(
      () => renderKustomization(tree({ 'kustomization.yaml': 'patches: [{ path: p.yaml }]\n', 'p.yaml': CONFIGMAP })),
      'PATCH_TARGET_MISSING',
    );
    rejects(
      () =>
        renderKustomization(
          tree({ 'kustomization.yaml': 'secretGenerator: [{ name: k, envs: [gone.env] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n' }),
        ),
      'GENERATOR_FILE_MISSING',
    );
  });

  it('says which file a missing generator env file is, so an operator knows what to create', () => {
    const root = tree({ 'kustomization.yaml': 'secretGenerator: [{ name: k, envs: [jwt-secret.env] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n' });
    assert.throws(() => renderKustomization(root), {
      message: `${KUSTOMIZE_ERRORS.GENERATOR_FILE_MISSING}: ${join(root, 'jwt-secret.env')}`,
    });
  });
});

describe('readEnvFile', () => {
  it('rejects a line without a key, naming the file and line', () => {
    const root = tree({ 'a.env': 'A=1\n=2\n', 'b.env': 'no equals sign\n', 'c.env': 'BAD KEY=1\n' });
    assert.throws(() => readEnvFile(join(root, 'a.env')), { message: `${KUSTOMIZE_ERRORS.ENV_LINE_INVALID}: ${join(root, 'a.env')}:2` });
    rejects(() => readEnvFile(join(root, 'b.env')), 'ENV_LINE_INVALID');
    rejects(() => readEnvFile(join(root, 'c.env')), 'ENV_LINE_INVALID');
  });
});

describe('strategicMerge', () => {
  it('replaces scalars and lists that are not lists of named objects', () => {
    assert.deepEqual(strategicMerge({ a: [1, 2], b: 'x', c: [{ name: 'n' }] }, { a: [3], b: 'y', c: ['plain'] }), {
      a: [3],
      b: 'y',
      c: ['plain'],
    });
    assert.deepEqual(strategicMerge([], [{ name: 'n' }]), [{ name: 'n' }]);
  });

  it('refuses $patch directives', () => {
    rejects(() => strategicMerge({ a: 1 }, { $patch: 'delete' }), 'FIELD_UNSUPPORTED');
  });
});

describe('KUSTOMIZE_ERRORS', () => {
  it('describes every code, and the error carries the code and the detail', () => {
    for (const [code, description] of Object.entries(KUSTOMIZE_ERRORS)) {
      assert.ok(description.length > 10, code);
      const err = new KustomizeError(code as KustomizeErrorCode, 'detail');
      assert.equal(err.code, code);
      assert.equal(err.message, `${description}: detail`);
    }
  });
});

/** kubectl's built-in kustomize, when this machine has it (CI's fresh machine has not: skipped). */
function kubectlKustomize(): ((dir: string) => string) | undefined {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return undefined;
  }
  return (dir) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
}

describe('agreement with kustomize', () => {
  const kustomize = kubectlKustomize();
  it('renders deploy/kubernetes exactly as kubectl kustomize does', { skip: kustomize === undefined && 'kubectl is not installed' }, () => {
    const copy = join(work, 'kubernetes');
    cpSync(KUBERNETES_DIR, copy, { recursive: true });
    writeFileSync(join(copy, 'base', 'jwt-secret.env'), 'JWT_SECRET=only-for-this-comparison\n');
    for (const dir of ['base', 'overlays/test']) {
      const theirs = parseAllDocuments(kustomize!(join(copy, dir))).map((d) => d.toJSON() as Manifest);
      const byId = (list: Manifest[]): Map<string, Manifest> => new Map(list.map((o) => [objectId(o), o]));
      // kustomize wraps long base64 lines; the bytes are what count.
      const normalise = (o: Manifest): Manifest =>
        o.kind === 'Secret' ? { ...o, data: Object.fromEntries(Object.entries(o['data'] as Record<string, string>).map(([k, v]) => [k, v.replace(/\s/g, '')])) } : o;
      const ours = byId(renderKustomization(join(copy, dir)).map(normalise));
      const expected = byId(theirs.map(normalise));
      assert.deepEqual([...ours.keys()].sort(), [...expected.keys()].sort(), dir);
      for (const [id, object] of expected) assert.deepEqual(ours.get(id), object, `${dir}: ${id}`);
    }
  });
});
