/**
 * The pods a whole vcluster runs in its host namespace: those of the workloads rendered by the
 * chart and by us (StatefulSet, Deployment, Job, ...), plus the pods the vcluster's syncer creates
 * on the host for its own CoreDNS, which runs inside the vcluster.
 *
 * How synced pods look on the host (loft-sh/vcluster v0.31.3 and v0.36.1, same code):
 * `pkg/coredns/template.go` deploys CoreDNS as Deployment `kube-system/coredns` with pod label
 * `k8s-app: vcluster-kube-dns` (+ `controlPlane.coredns.deployment.pods.labels`) and the resources of
 * `controlPlane.coredns.deployment.resources`; `pkg/util/translate/labels.go` (`HostLabelsMap`) keeps
 * the virtual labels, rewrites the keys `release`, `vcluster.loft.sh/namespace`,
 * `vcluster.loft.sh/managed-by` and `vcluster.loft.sh/controlled-by` to hashed
 * `vcluster.loft.sh/label-...` keys, and adds `vcluster.loft.sh/managed-by: <release>` and
 * `vcluster.loft.sh/namespace: <virtual namespace>`; the pod syncer
 * (`pkg/controllers/resources/pods/translate`) adds the virtual namespace's labels as
 * `vcluster.loft.sh/ns-label-<release>-x-<hash>` keys.
 */
import { createHash } from 'crypto';
import * as YAML from 'yaml';
import { Json, Manifest, WholeVCluster, at, kindOf, listAt, namespaceOf, objAt } from './model';
import { Labels } from './selectors';
import { MAX_NAME, safeConcatName } from '../naming';

/** One kind of pod the vcluster runs, with how many of them. */
export interface PodModel {
  /** The object that makes these pods (a synthesized Deployment for synced CoreDNS). */
  readonly owner: Manifest;
  /** For messages: `StatefulSet/x`, or `CoreDNS (synced from inside the vcluster)`. */
  readonly what: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** The pod spec. */
  readonly spec: Json;
  /** Pods running in steady state. */
  readonly replicas: number;
  /** Extra pods while it rolls out (a Deployment's `maxSurge`). */
  readonly surge: number;
  /** True for pods the syncer creates from inside the vcluster. */
  readonly synced: boolean;
}

/** Label keys the syncer rewrites on host objects. */
const TRANSLATED_KEYS = ['release', 'vcluster.loft.sh/namespace', 'vcluster.loft.sh/managed-by', 'vcluster.loft.sh/controlled-by'];

/** The host label key the syncer writes for a virtual label key under `prefix`. */
function hashedKey(prefix: string, release: string, key: string): string {
  return safeConcatName(MAX_NAME, prefix, release, 'x', createHash('sha256').update(key).digest('hex').slice(0, 10));
}

/** Host labels of a pod synced from virtual namespace `vNamespace` with virtual labels `vLabels`. */
export function syncedPodLabels(release: string, vNamespace: string, vLabels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vLabels)) out[TRANSLATED_KEYS.includes(k) ? hashedKey('vcluster.loft.sh/label', release, k) : k] = v;
  out['vcluster.loft.sh/managed-by'] = release;
  out['vcluster.loft.sh/namespace'] = vNamespace;
  out[hashedKey('vcluster.loft.sh/ns-label', release, 'kubernetes.io/metadata.name')] = vNamespace;
  return out;
}

/** Pods, steady and surge, of one workload object; undefined for objects that make no pods. */
function workloadPods(obj: Json): { template: Json; replicas: number; surge: number } | undefined {
  const spec = objAt(obj, 'spec');
  const count = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : d);
  switch (kindOf(obj)) {
    case 'Deployment': {
      const replicas = count(spec.replicas, 1);
      const recreate = at(spec, 'strategy', 'type') === 'Recreate';
      return {
        template: objAt(spec, 'template'),
        replicas,
        surge: recreate ? 0 : surgeOf(at(spec, 'strategy', 'rollingUpdate', 'maxSurge'), replicas),
      };
    }
    case 'StatefulSet':
    case 'ReplicaSet':
      return { template: objAt(spec, 'template'), replicas: count(spec.replicas, 1), surge: 0 };
    case 'DaemonSet':
      return { template: objAt(spec, 'template'), replicas: 1, surge: 0 };
    case 'Job':
      return { template: objAt(spec, 'template'), replicas: count(spec.parallelism, 1), surge: 0 };
    case 'CronJob':
      return {
        template: objAt(spec, 'jobTemplate', 'spec', 'template'),
        replicas: count(at(spec, 'jobTemplate', 'spec', 'parallelism'), 1),
        surge: 0,
      };
    case 'Pod':
      return { template: { metadata: objAt(obj, 'metadata'), spec }, replicas: 1, surge: 0 };
    default:
      return undefined;
  }
}

/** A Deployment's `maxSurge` in pods (default 25%, rounded up). */
function surgeOf(maxSurge: unknown, replicas: number): number {
  if (typeof maxSurge === 'number') return maxSurge;
  const pct = /^(\d+)%$/.exec(typeof maxSurge === 'string' ? maxSurge : '25%');
  return pct ? Math.ceil((replicas * Number(pct[1])) / 100) : 0;
}

function labelsOf(template: Json): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objAt(template, 'metadata', 'labels'))) out[k] = String(v);
  return out;
}

/** The CoreDNS Deployment(s) the syncer creates inside the vcluster, from the effective chart values. */
export function corednsDeployments(values: Json): Json[] {
  const c = objAt(values, 'controlPlane', 'coredns');
  if (c.enabled === false || c.embedded === true) return [];
  if (typeof c.overwriteManifests === 'string' && c.overwriteManifests.trim() !== '') {
    return YAML.parseAllDocuments(c.overwriteManifests)
      .map((d) => d.toJS() as Json)
      .filter((o) => o && kindOf(o) === 'Deployment');
  }
  const d = objAt(c, 'deployment');
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: {
        replicas: typeof d.replicas === 'number' ? d.replicas : 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: { metadata: { labels: { 'k8s-app': 'vcluster-kube-dns', ...objAt(d, 'pods', 'labels') } }, spec: corednsPodSpec(values) },
      },
    },
  ];
}

/** UID/GID the control plane gives CoreDNS when it runs as root itself (`pkg/coredns/coredns.go`). */
const COREDNS_UID = 1001;

/** The pod spec of the default CoreDNS Deployment (`pkg/coredns/template.go`): resources, security context, volumes. */
function corednsPodSpec(values: Json): Json {
  const c = objAt(values, 'controlPlane', 'coredns');
  const podSecurity = objAt(c, 'security', 'podSecurityContext');
  const containerSecurity = objAt(c, 'security', 'containerSecurityContext');
  const pss = at(values, 'policies', 'podSecurityStandard');
  const defaultContainerSecurity = {
    runAsNonRoot: true,
    runAsUser: COREDNS_UID,
    runAsGroup: COREDNS_UID,
    allowPrivilegeEscalation: false,
    capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  };
  return {
    ...(Object.keys(podSecurity).length
      ? { securityContext: podSecurity }
      : pss
        ? { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }
        : {}),
    containers: [
      {
        name: 'coredns',
        resources: objAt(c, 'deployment', 'resources'),
        securityContext: Object.keys(containerSecurity).length ? containerSecurity : defaultContainerSecurity,
      },
    ],
    volumes: [
      { name: 'config-volume', configMap: { name: 'coredns' } },
      { name: 'custom-config-volume', configMap: { name: 'coredns-custom', optional: true } },
    ],
  };
}

/** Every kind of pod the vcluster runs in its host namespaces (ours, the chart's, synced CoreDNS). */
export function podsOf(v: WholeVCluster): PodModel[] {
  const pods: PodModel[] = [];
  for (const m of v.objects) {
    const w = workloadPods(m.obj);
    if (!w) continue;
    const what = `${kindOf(m.obj)}/${String(at(m.obj, 'metadata', 'name'))}`;
    const namespace = namespaceOf(m.obj, v.namespace);
    pods.push({ owner: m, what, namespace, labels: labelsOf(w.template), spec: objAt(w.template, 'spec'), ...w, synced: false });
  }
  for (const d of corednsDeployments(v.values)) {
    const w = workloadPods(d)!;
    const vNamespace = namespaceOf(d, 'kube-system');
    const owner: Manifest = { origin: 'chart', file: 'synced from inside the vcluster (controlPlane.coredns)', obj: d };
    const labels = syncedPodLabels(v.release, vNamespace, labelsOf(w.template));
    pods.push({
      owner,
      what: `CoreDNS (Deployment ${vNamespace}/${String(at(d, 'metadata', 'name'))} inside the vcluster)`,
      namespace: v.namespace,
      labels,
      spec: objAt(w.template, 'spec'),
      ...w,
      synced: true,
    });
  }
  return pods;
}

/** Every container of a pod spec: init containers first, then the app containers. */
export function containersOf(spec: Json): Array<{ container: Json; init: boolean }> {
  return [
    ...listAt(spec, 'initContainers').map((c) => ({ container: c, init: true })),
    ...listAt(spec, 'containers').map((c) => ({ container: c, init: false })),
  ];
}
