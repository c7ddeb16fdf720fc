/**
 * Synthetic whole vclusters for the invariant tests: a release `demo` in namespace `demo` with the
 * chart's control plane StatefulSet (and optionally etcd), built from plain objects. No helm.
 */
import { DEFAULT_HOST } from '../../src/verify/host';
import { Json, Manifest, WholeVCluster } from '../../src/verify/model';

export const RELEASE = 'demo';
export const NS = 'demo';

/** One of our objects (`dist/demo/host/<kind>-<name>.yaml`). */
export function ours(obj: Json): Manifest {
  const meta = (obj.metadata ?? {}) as Json;
  return { origin: 'ours', file: `dist/demo/host/${String(obj.kind).toLowerCase()}-${String(meta.name)}.yaml`, obj };
}

/** One of the chart's objects. */
export function chart(obj: Json, template = 'templates/x.yaml'): Manifest {
  return { origin: 'chart', file: `chart vcluster-0.31.3 ${template}`, obj };
}

/** A container with resources. */
export function container(name: string, requests?: Json, limits?: Json, extra: Json = {}): Json {
  const resources: Json = {};
  if (requests) resources.requests = requests;
  if (limits) resources.limits = limits;
  return { name, image: `example/${name}:1`, resources, ...extra };
}

/** A workload of `kind` with pod labels, replicas and containers. */
export function workload(
  kind: string,
  name: string,
  labels: Json,
  replicas: number,
  containers: Json[],
  spec: Json = {},
  podSpec: Json = {},
): Json {
  return {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: NS },
    spec: { ...(kind === 'Job' ? {} : { replicas }), template: { metadata: { labels }, spec: { containers, ...podSpec } }, ...spec },
  };
}

/** The chart's control plane StatefulSet (`app: vcluster`). */
export function controlPlane(
  replicas = 1,
  syncer: Json = container('syncer', { cpu: '200m', memory: '256Mi' }, { cpu: '1', memory: '1Gi' }),
): Manifest {
  return chart(workload('StatefulSet', RELEASE, { app: 'vcluster', release: RELEASE }, replicas, [syncer]), 'templates/statefulset.yaml');
}

/** The chart's etcd StatefulSet (`app: vcluster-etcd`), containers without limits by default. */
export function etcd(replicas = 3, args: string[] = []): Manifest {
  const c = container('etcd', { cpu: '20m', memory: '150Mi' }, undefined, {
    command: ['etcd', '--client-cert-auth=true', '--peer-client-cert-auth=true', ...args],
  });
  return chart(
    workload('StatefulSet', `${RELEASE}-etcd`, { app: 'vcluster-etcd', release: RELEASE }, replicas, [c]),
    'templates/etcd-statefulset.yaml',
  );
}

/** Effective values with CoreDNS off unless given. */
export const NO_COREDNS: Json = { controlPlane: { coredns: { enabled: false } } };

/** A whole vcluster of these objects and effective values. */
export function whole(objects: Manifest[], values: Json = NO_COREDNS): WholeVCluster {
  return { name: 'demo', release: RELEASE, namespace: NS, values, objects, host: DEFAULT_HOST };
}

/** Effective values with CoreDNS on (chart default resources) and `replicas` replicas. */
export function corednsValues(replicas = 1, extra: Json = {}): Json {
  return {
    controlPlane: {
      coredns: {
        enabled: true,
        embedded: false,
        deployment: {
          replicas,
          resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '1000m', memory: '170Mi' } },
          pods: { labels: {} },
        },
        ...extra,
      },
    },
  };
}
