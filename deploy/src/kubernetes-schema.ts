/**
 * Validates rendered objects against the Kubernetes API's OpenAPI schemas, offline, with the
 * kubernetes-models packages (issue 15): each class carries the schema of its apiVersion/kind,
 * compiled to an ajv validator. Those schemas check types, required fields and formats; like the
 * API's own OpenAPI document they do not forbid unknown fields, so the manifest tests also assert
 * every field they rely on by path.
 */
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { Manifest } from './kustomize.js';

interface Validatable {
  validate(): void;
}
/** Any kubernetes-models class: its constructor takes that kind's typed fields. */
type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind → the model that validates it; a kind not listed here has no schema, so it fails. */
const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['v1/ConfigMap', ConfigMap],
  ['v1/Namespace', Namespace],
  ['v1/Secret', Secret],
  ['v1/Service', Service],
  ['apps/v1/Deployment', Deployment],
  ['autoscaling/v2/HorizontalPodAutoscaler', HorizontalPodAutoscaler],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
]);

export interface SchemaProblem {
  readonly object: string;
  readonly message: string;
}

/** Every problem of every object, so one run names them all; empty when all are valid. */
export function validateManifests(objects: readonly Manifest[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const id = `${object.apiVersion}/${object.kind}`;
    const model = MODELS.get(id);
    const name = `${id} ${object.metadata.name}`;
    if (model === undefined) {
      problems.push({ object: name, message: 'no schema for this apiVersion and kind' });
      continue;
    }
    try {
      // The schema, not TypeScript, decides whether the rendered YAML fits the kind.
      new model(object as never).validate();
    } catch (err) {
      problems.push({ object: name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return problems;
}
