import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Manifest } from './kustomize.js';
import { validateManifests } from './kubernetes-schema.js';

const deployment = (spec: Manifest['metadata']): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'app' }] } }, ...spec } as Manifest['metadata'],
});

describe('validateManifests', () => {
  it('accepts a valid object of each kind it knows', () => {
    assert.deepEqual(
      validateManifests([
        deployment({ name: 'app' }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { A: '1' } },
        { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1 } },
      ]),
      [],
    );
  });

  it('reports a field of the wrong type, naming the object and the path', () => {
    const [problem, ...rest] = validateManifests([deployment({ name: 'app', replicas: 'two' } as Manifest['metadata'])]);
    assert.deepEqual(rest, []);
    assert.equal(problem?.object, 'apps/v1/Deployment app');
    assert.match(problem?.message ?? '', /spec\/replicas must be integer/);
  });

  it('reports a missing required field and a ConfigMap value that is not a string', () => {
    const problems = validateManifests([
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { minReplicas: 2 } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { PORT: 8080 } },
    ]);
    assert.deepEqual(
      problems.map((p) => p.object),
      ['autoscaling/v2/HorizontalPodAutoscaler h', 'v1/ConfigMap c'],
    );
  });

  it('reports a kind it has no schema for instead of passing it', () => {
    assert.deepEqual(validateManifests([{ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' } }]), [
      { object: 'apps/v1beta1/Deployment old', message: 'no schema for this apiVersion and kind' },
    ]);
  });
});
