/**
 * PvCleanupHook: when a vcluster that is deleted with its file goes, an Argo CD `PostDelete` hook
 * deletes the host PersistentVolumes its syncer created, which would otherwise stay behind with
 * stale `claimRef`s and block the volumes of a vcluster re-created under the same name.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { CiliumNetworkPolicy, CiliumNetworkPolicySpecEgressToEntities } from '../../imports/cilium-networkpolicy-cilium.io';
import { YAML_OPTIONS } from '../fleet/serialize';
import { DEFAULT_TOOLING_IMAGE } from '../presets';
import { Problems } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';
import type { IVCluster } from '../vcluster/ivcluster';

/** The label the vcluster syncer puts on the cluster-scoped host objects it creates. */
export const MANAGED_BY_LABEL = 'vcluster.loft.sh/managed-by';

/** Where in the chart's values the hook lives: host manifests the chart renders verbatim (`templates/manifests.yaml`). */
export const HOST_MANIFESTS_PATH = ['experimental', 'deploy', 'host', 'manifests'] as const;

/** Annotations that make an object an Argo CD PostDelete hook, deleted once it succeeded. */
export const POST_DELETE_HOOK = {
  'argocd.argoproj.io/hook': 'PostDelete',
  'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
} as const;

/** Props of {@link PvCleanupHook}. */
export interface PvCleanupHookProps {
  /** The vcluster to clean up after (names, namespace and deletion policy are read from it; it receives the hook as Helm values). */
  readonly vcluster: IVCluster;
  /** Pinned image with `kubectl`. @default "docker.io/alpine/k8s:1.34.3" */
  readonly image?: string;
  /** Whether the host runs Cilium (the hook's API egress is then a CiliumNetworkPolicy to the `kube-apiserver` entity). @default false */
  readonly cilium?: boolean;
  /** Without Cilium: CIDRs of the host API server endpoints (after DNAT). @default - any address, restricted by port */
  readonly kubeApiCidrs?: readonly string[];
  /** Without Cilium: port of the host API server endpoints (after DNAT). @default 6443 */
  readonly kubeApiPort?: number;
}

/**
 * The cleanup of a vcluster with `deletionPolicy: "delete"`: a Job run by Argo CD as a `PostDelete`
 * hook of the `vcluster-N` Application, once the Application's resources are gone, that deletes the
 * host PersistentVolumes labelled `vcluster.loft.sh/managed-by=<T>-x-<N>` (the value the syncer
 * sets, {@link VClusterNames.managedBy}). `kubectl delete --wait=false`: a volume whose claim
 * still exists goes when the namespace, deleted after the Application, takes the claim with it.
 *
 * Why the hook rides in the chart's values: Argo CD renders an Application's PostDelete hooks from
 * its source at the moment it is deleted. The folder `dist/<N>/` is gone from git by then (the file
 * was removed), so a hook there would make the deletion fail and retry forever; the chart and the
 * Application's values are still there. The hook is the chart's host manifests
 * (`experimental.deploy.host.manifests`, rendered verbatim, never templated), which Argo CD keeps out
 * of every sync and runs only on deletion.
 *
 * The hook's objects, all deleted once it succeeded (`hook-delete-policy: HookSucceeded`): a
 * ServiceAccount `N-pv-cleanup`; a ClusterRole and ClusterRoleBinding `<T>-x-<N>-pv-cleanup`
 * allowing `list` and `delete` on `persistentvolumes` and nothing else (RBAC cannot limit a rule
 * to a label, and the volumes' names are not known in advance; the label selector is the Job's, and
 * the role exists only while the hook runs); its own egress to the API server (a
 * CiliumNetworkPolicy to `kube-apiserver`, or a NetworkPolicy on the API port), since the
 * namespace's own policies are deleted with the Application's siblings; and the Job, non-root,
 * read-only, without a shell (`kubectl` is the command; nothing is interpolated), with retries. A
 * failed hook is deleted and re-run by Argo CD until it succeeds.
 *
 * A retained vcluster (`deletionPolicy: "retain"`) keeps everything and gets no hook: the
 * construct refuses one.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/
 */
export class PvCleanupHook extends Construct {
  /** The hook's objects, as Argo CD receives them from the chart. */
  public readonly objects: readonly Record<string, unknown>[];
  /** The YAML text placed at `experimental.deploy.host.manifests`. */
  public readonly manifests: string;
  /** The label selector of the deleted volumes. */
  public readonly selector: string;

  constructor(scope: Construct, id: string, props: PvCleanupHookProps) {
    super(scope, id);
    const { vcluster } = props;
    const image = props.image ?? DEFAULT_TOOLING_IMAGE;
    const p = new Problems();
    if (vcluster.deletionPolicy !== 'delete') {
      p.add(
        'vcluster.deletionPolicy',
        vcluster.deletionPolicy,
        '"delete": a retained vcluster keeps its volumes',
        'remove the PvCleanupHook, or set deletionPolicy: "delete"',
      );
    }
    p.pinnedImage('image', image);
    props.kubeApiCidrs?.forEach((c, i) => p.cidr4(`kubeApiCidrs[${i}]`, c));
    p.port('kubeApiPort', props.kubeApiPort ?? 6443);
    p.throwIfAny(`PvCleanupHook of "${vcluster.names.release}"`);

    this.selector = `${MANAGED_BY_LABEL}=${vcluster.names.managedBy}`;
    this.objects = hookObjects(vcluster, { ...props, image }, this.selector);
    this.manifests = this.objects.map((o) => YAML.stringify(o, YAML_OPTIONS)).join('---\n');
    vcluster.addHelmValues('PvCleanupHook', setAt(HOST_MANIFESTS_PATH, this.manifests));
    this.node.addValidation({ validate: () => this.validateValues(vcluster) });
  }

  /** The final values must still carry the hook (the declaration's helmValues are applied last). */
  private validateValues(vcluster: IVCluster): string[] {
    const value = valueAtPath(vcluster.helmValues(), HOST_MANIFESTS_PATH);
    if (value === this.manifests) return [];
    return [
      `PvCleanupHook of "${vcluster.names.release}": helmValues.${HOST_MANIFESTS_PATH.join('.')} replaces the volume cleanup hook ` +
        'of a vcluster deleted with its file; put host manifests of your own in experimental.deploy.host.manifestsTemplate',
    ];
  }
}

/** `{a: {b: {c: value}}}` for the path `a.b.c`. */
function setAt(path: readonly string[], value: unknown): object {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as object;
}

/** The hook's objects, in creation order, keys sorted (cdk8s). */
function hookObjects(vcluster: IVCluster, props: PvCleanupHookProps & { image: string }, selector: string): Record<string, unknown>[] {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'pv-cleanup', { disableResourceNameHashes: true });
  const names = vcluster.names;
  const namespace = names.namespace;
  const labels = { 'app.kubernetes.io/name': 'pv-cleanup', 'app.kubernetes.io/instance': names.release };
  const metadata = (name: string, scope: 'namespaced' | 'cluster' = 'namespaced') => ({
    name,
    ...(scope === 'namespaced' ? { namespace } : {}),
    labels,
    annotations: { ...POST_DELETE_HOOK },
  });
  new k8s.KubeServiceAccount(chart, 'ServiceAccount', { metadata: metadata(names.pvCleanup), automountServiceAccountToken: false });
  new k8s.KubeClusterRole(chart, 'ClusterRole', {
    metadata: metadata(names.pvCleanupClusterRole, 'cluster'),
    rules: [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['list', 'delete'] }],
  });
  new k8s.KubeClusterRoleBinding(chart, 'ClusterRoleBinding', {
    metadata: metadata(names.pvCleanupClusterRole, 'cluster'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.pvCleanupClusterRole },
    subjects: [{ kind: 'ServiceAccount', name: names.pvCleanup, namespace }],
  });
  if (props.cilium) {
    new CiliumNetworkPolicy(chart, 'Egress', {
      metadata: metadata(names.pvCleanup),
      spec: {
        endpointSelector: { matchLabels: labels },
        egress: [{ toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER] }],
      },
    });
  } else {
    const to = props.kubeApiCidrs?.length ? { to: props.kubeApiCidrs.map((cidr) => ({ ipBlock: { cidr } })) } : {};
    new k8s.KubeNetworkPolicy(chart, 'Egress', {
      metadata: metadata(names.pvCleanup),
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Egress'],
        egress: [{ ...to, ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.kubeApiPort ?? 6443) }] }],
      },
    });
  }
  new k8s.KubeJob(chart, 'Job', { metadata: metadata(names.pvCleanup), spec: jobSpec(names.pvCleanup, labels, props.image, selector) });
  return chart.toJson() as Record<string, unknown>[];
}

/** The Job: `kubectl delete persistentvolumes -l <selector>`, retried, non-root, read-only. */
function jobSpec(serviceAccount: string, labels: Record<string, string>, image: string, selector: string): k8s.JobSpec {
  const q = (s: string) => k8s.Quantity.fromString(s);
  return {
    backoffLimit: 6,
    activeDeadlineSeconds: 600,
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: serviceAccount,
        automountServiceAccountToken: true,
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'delete-volumes',
            image,
            command: ['kubectl', 'delete', 'persistentvolumes', '--selector', selector, '--wait=false', '--ignore-not-found'],
            env: [{ name: 'HOME', value: '/tmp' }],
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: q('10m'), memory: q('32Mi') }, limits: { cpu: q('200m'), memory: q('128Mi') } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: q('16Mi') } }],
      },
    },
  };
}
