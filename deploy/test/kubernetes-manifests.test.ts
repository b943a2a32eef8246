/**
 * deploy/kubernetes/ rendered offline (base and the test overlay), validated against the Kubernetes
 * API schemas, and checked for what issue 15 asks of it: probes, resources from the bench, the
 * securityContext, a graceful stop, Service/HPA/PDB wired to the Deployment, and the key only in
 * the Secret.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { DEFAULT_JWT_SECRET } from '../../contracts/src/index.js';
import { validateManifests } from '../src/kubernetes-schema.js';
import type { Manifest } from '../src/kustomize.js';
import { renderKustomization } from '../src/kustomize.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BENCH = JSON.parse(readFileSync(join(REPO, 'bench/results/latest.json'), 'utf8')) as {
  summary: Array<{ id: string; peakRssMb: number }>;
};
/** The proxy's own default (proxy/src/config/config.ts), for a ConfigMap that does not set it. */
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

// The operator's jwt-secret.env, made here as docs/scale.md says: a fresh key, never one in git.
const work = mkdtempSync(join(tmpdir(), 'k8s-manifests-'));
after(() => rmSync(work, { recursive: true, force: true }));
cpSync(join(REPO, 'deploy/kubernetes'), work, { recursive: true });
const SECRET = randomBytes(64).toString('hex');
writeFileSync(join(work, 'base/jwt-secret.env'), `JWT_SECRET=${SECRET}\n`);

const RENDERS = { base: renderKustomization(join(work, 'base')), test: renderKustomization(join(work, 'overlays/test')) };

function find<T>(objects: readonly Manifest[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found as unknown as T;
}

function all<T>(objects: readonly Manifest[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as unknown as T[];
}

/** Kubernetes quantities as the files write them: 250m, '1', 128Mi. */
function cpuCores(q: string | number | undefined): number {
  assert.ok(q !== undefined, 'cpu is set');
  const text = String(q);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}
function memoryMiB(q: string | number | undefined): number {
  assert.ok(q !== undefined, 'memory is set');
  const match = /^(\d+)(Mi|Gi)$/.exec(String(q));
  assert.ok(match, `memory ${String(q)} in Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

function podOf(deployment: IDeployment) {
  const pod = deployment.spec?.template.spec;
  assert.ok(pod, `${deployment.metadata?.name} has a pod template`);
  return pod;
}

function onlyContainer(deployment: IDeployment): IContainer {
  const containers = podOf(deployment).containers;
  assert.equal(containers.length, 1);
  return containers[0]!;
}

function configOf(objects: readonly Manifest[]): Record<string, string> {
  return find<IConfigMap>(objects, 'ConfigMap', 'jwt-proxy-config').data ?? {};
}

for (const [name, objects] of Object.entries(RENDERS)) {
  describe(`deploy/kubernetes ${name === 'base' ? 'base' : 'overlays/test'}`, () => {
    const proxy = find<IDeployment>(objects, 'Deployment', 'jwt-proxy');
    const container = onlyContainer(proxy);
    const config = configOf(objects);

    it('is valid against the Kubernetes API schemas, every object of it', () => {
      assert.deepEqual(validateManifests(objects), []);
      assert.deepEqual(
        [...new Set(objects.map((o) => o.kind))].sort(),
        (name === 'base' ? [] : ['Namespace']).concat(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service']).sort(),
      );
    });

    it('runs 2 replicas and never goes below them during a rollout', () => {
      assert.equal(proxy.spec?.replicas, 2);
      assert.equal(proxy.spec?.strategy?.rollingUpdate?.maxUnavailable, 0);
    });

    it('has startup, readiness and liveness probes on /healthz at the port the proxy listens on', () => {
      const port = container.ports?.find((p) => p.name === 'http');
      assert.equal(String(port?.containerPort), config['HTTP_PORT']);
      for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'http' });
      }
    });

    it('requests and limits CPU and memory, memory above the bench peak RSS of one process', () => {
      const peak = BENCH.summary.find((row) => row.id === 'ours-post')?.peakRssMb;
      assert.ok(peak !== undefined && peak > 50, 'bench/results/latest.json has the proxy peak RSS');
      const { requests, limits } = container.resources ?? {};
      assert.ok(memoryMiB(requests?.['memory']) >= peak, 'memory request covers the peak');
      assert.ok(memoryMiB(limits?.['memory']) >= 1.5 * peak, 'memory limit leaves headroom over the peak');
      assert.ok(cpuCores(requests?.['cpu']) > 0 && cpuCores(requests?.['cpu']) <= cpuCores(limits?.['cpu']));
      // The bench figures are one process's: the pod runs one.
      assert.equal(config['WORKERS'], '1');
    });

    it('stops gracefully: a short preStop sleep, then SHUTDOWN_GRACE_MS, all within the grace period', () => {
      const command = container.lifecycle?.preStop?.exec?.command;
      assert.equal(command?.[0], 'sleep');
      const sleepS = Number(command?.[1]);
      assert.ok(sleepS >= 1 && sleepS <= 10, `preStop sleeps ${sleepS}s`);
      const graceMs = Number(config['SHUTDOWN_GRACE_MS'] ?? DEFAULT_SHUTDOWN_GRACE_MS);
      const periodS = podOf(proxy).terminationGracePeriodSeconds ?? 30;
      assert.ok(periodS * 1000 > sleepS * 1000 + graceMs, `${periodS}s > ${sleepS}s + ${graceMs}ms`);
    });

    it('gives the Service, the HPA and the PDB the Deployment and its pods', () => {
      const labels = proxy.spec?.template.metadata?.labels ?? {};
      const matches = (selector: Record<string, string> | undefined): boolean =>
        selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
      assert.deepEqual(proxy.spec?.selector.matchLabels, labels);
      const service = find<IService>(objects, 'Service', 'jwt-proxy');
      assert.ok(matches(service.spec?.selector));
      assert.deepEqual(service.spec?.ports?.map((p) => p.targetPort), ['http']);
      const pdb = find<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', 'jwt-proxy');
      assert.ok(matches(pdb.spec?.selector?.matchLabels));
      assert.ok(Number(pdb.spec?.minAvailable) < (proxy.spec?.replicas ?? 1), 'a node drain can evict a pod');
      const hpa = find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'jwt-proxy');
      assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'jwt-proxy' });
      assert.equal(hpa.spec.minReplicas, proxy.spec?.replicas);
      assert.ok(hpa.spec.maxReplicas > (hpa.spec.minReplicas ?? 1));
      assert.deepEqual(
        hpa.spec.metrics?.map((m) => [m.type, m.resource?.name, m.resource?.target.type]),
        [['Resource', 'cpu', 'Utilization']],
      );
    });

    it('keeps the key in the Secret and out of the ConfigMap', () => {
      const secret = find<ISecret>(objects, 'Secret', 'jwt-proxy-keys');
      assert.equal(Buffer.from(secret.data?.['JWT_SECRET'] ?? '', 'base64').toString(), SECRET);
      for (const configMap of all<IConfigMap>(objects, 'ConfigMap')) {
        for (const [key, value] of Object.entries(configMap.data ?? {})) {
          assert.doesNotMatch(key, /SECRET|PASSWORD|PRIVATE/, `${key} belongs in the Secret`);
          assert.ok(!value.includes(SECRET) && !value.includes(DEFAULT_JWT_SECRET), `${key} holds no key`);
          assert.doesNotMatch(value, /[0-9a-f]{64}/i, `${key} holds nothing key-like`);
        }
      }
      // Under NODE_ENV=production (the image) the published key is refused unless this says otherwise.
      assert.equal(config['JWT_ALLOW_PUBLISHED_SECRET'], undefined);
      assert.equal(container.env?.find((e) => e.name === 'JWT_ALLOW_PUBLISHED_SECRET'), undefined);
      const env = container.env?.find((e) => e.name === 'JWT_SECRET');
      assert.deepEqual(env?.valueFrom, { secretKeyRef: { name: 'jwt-proxy-keys', key: 'JWT_SECRET' } });
      assert.deepEqual(container.envFrom, [{ configMapRef: { name: 'jwt-proxy-config' } }]);
      const volume = podOf(proxy).volumes?.find((v) => v.secret !== undefined);
      assert.equal(volume?.secret?.secretName, 'jwt-proxy-keys');
      assert.equal(container.volumeMounts?.find((m) => m.name === volume?.name)?.readOnly, true);
    });

    it('runs every container as non-root, read-only, without capabilities, under seccomp RuntimeDefault', () => {
      for (const deployment of all<IDeployment>(objects, 'Deployment')) {
        const pod = podOf(deployment);
        const who = deployment.metadata?.name;
        assert.equal(pod.securityContext?.runAsNonRoot, true, who);
        // A number: the kubelet cannot check the image's user name `node` against runAsNonRoot.
        assert.ok(Number.isInteger(pod.securityContext?.runAsUser) && (pod.securityContext?.runAsUser ?? 0) > 0, who);
        assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' }, who);
        assert.equal(pod.automountServiceAccountToken, false, who);
        for (const c of pod.containers) {
          assert.deepEqual(
            c.securityContext,
            { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            `${who}/${c.name}`,
          );
        }
      }
    });

    it('refers only to ConfigMaps and Secrets it renders', () => {
      const names = (kind: string): string[] => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
      for (const deployment of all<IDeployment>(objects, 'Deployment')) {
        const pod = podOf(deployment);
        for (const c of pod.containers) {
          for (const e of c.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef;
            if (ref) assert.ok(names('Secret').includes(ref.name ?? ''), `${c.name} ${e.name}`);
          }
          for (const from of c.envFrom ?? []) assert.ok(names('ConfigMap').includes(from.configMapRef?.name ?? ''), c.name);
        }
        for (const v of pod.volumes ?? []) if (v.secret) assert.ok(names('Secret').includes(v.secret.secretName ?? ''), v.name);
      }
    });
  });
}

describe('deploy/kubernetes overlays/test', () => {
  const objects = RENDERS.test;

  it('puts every namespaced object in jwt-proxy-test, a namespace enforcing the restricted Pod Security Standard', () => {
    for (const object of objects) {
      assert.equal(object.metadata['namespace'], object.kind === 'Namespace' ? undefined : 'jwt-proxy-test', object.kind);
    }
    const namespace = find<Manifest>(objects, 'Namespace', 'jwt-proxy-test');
    assert.deepEqual(namespace.metadata['labels'], { 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('signs for the mock upstream, which verifies with the same Secret', () => {
    const mock = find<IDeployment>(objects, 'Deployment', 'mock-upstream');
    const service = find<IService>(objects, 'Service', 'mock-upstream');
    const port = service.spec?.ports?.[0]?.port;
    assert.equal(configOf(objects)['UPSTREAM_URL'], `http://mock-upstream:${port}`);
    const container = onlyContainer(mock);
    assert.deepEqual(container.env?.find((e) => e.name === 'JWT_SECRET')?.valueFrom, {
      secretKeyRef: { name: 'jwt-proxy-keys', key: 'JWT_SECRET' },
    });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/healthz', port: 'http' });
    // Changed only by the overlay: the base keeps its placeholder.
    assert.notEqual(configOf(RENDERS.base)['UPSTREAM_URL'], configOf(objects)['UPSTREAM_URL']);
  });
});
