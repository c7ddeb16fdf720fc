/**
 * The declaration: what a platform engineer writes in `vclusters/<file>.ts`. It is composed of the
 * settings types the features own (sizing, backing store, exposure, isolation, DNS, registration,
 * the Application), and its key lists derive from those types.
 */
import type { CoreDnsSettings } from '../coredns-patch';
import { COREDNS_KEYS } from '../coredns-patch';
import type { Exposure } from '../exposure/exposure';
import { ISOLATION_KEYS, IsolationMode, NetworkPoliciesSettings, StrictIsolationSettings } from '../isolation/settings';
import type { DeletionPolicy, PresetChoice } from '../presets';
import { ArgoCdSettings, KubeconfigSyncStrategy, REGISTRATION_KEYS } from '../registration/settings';
import { keysOf } from '../validation';
import { APPLICATION_KEYS, ApplicationSettings } from '../vcluster/application';
import type { BackingStore } from '../vcluster/backing-store';
import type { VClusterHelmValues } from '../vcluster/helm-values';
import { INTEGRATIONS_KEYS, IntegrationsSettings } from '../vcluster/integrations';
import { GUARD_EXCEPTION_KEYS, GuardException } from '../vcluster/exceptions';
import type { ExportKubeConfig } from '../vcluster/kubeconfig-export';
import { ControlPlanePersistence, ControlPlaneResources, SIZING_KEYS } from '../vcluster/sizing';

/**
 * A vcluster declaration: what a platform engineer writes in `vclusters/<file>.ts`.
 * Every field but `name` is optional; defaults come from the preset and the platform.
 */
export interface VClusterSpec {
  /** vcluster name `N`: Helm release, StatefulSet, and the root of every derived name (DNS label, at most 53 characters). */
  readonly name: string;
  /** Host namespace. @default - the vcluster name */
  readonly targetNamespace?: string;
  /** Argo CD AppProject. @default `vcluster-<name>` */
  readonly projectName?: string;
  /** Host cluster (a key of the platform's `argocd.hostClusters`). @default - the platform's default host cluster */
  readonly hostCluster?: string;
  /** Preset: the built-in `dev` or `prod`, or one of the site presets (`presets` in the platform). @default "dev" */
  readonly preset?: PresetChoice;
  /** Kubernetes version: `1.34`, `1.33`, `1.32` or the exact pinned patch. @default - the preset's, else the platform's (1.34) */
  readonly kubernetesVersion?: string;
  /** Control-plane replicas. @default - the preset's (dev 1, prod 3) */
  readonly replicas?: number;
  /** Control-plane requests and limits. @default - the preset's */
  readonly resources?: ControlPlaneResources;
  /** Control-plane PVC (both presets keep the store on one; `{ enabled: false }` is the ephemeral mode). @default - the preset's (dev 5Gi, prod 10Gi) */
  readonly persistence?: ControlPlanePersistence;
  /** Namespace isolation. @default - the preset's, else "standard" */
  readonly isolationMode?: IsolationMode;
  /** Strict-mode limits (only with isolationMode "strict"): the tenant allowance added to the vcluster's own pods, totals, LimitRange, Pod Security; laid key by key over the preset's. @default - the preset's, else the strict-mode defaults */
  readonly isolation?: StrictIsolationSettings;
  /** DNS inside the vcluster. @default - preset replicas, cluster.local, forward to the host resolver */
  readonly coredns?: CoreDnsSettings;
  /** Cluster domain inside the vcluster. @default "cluster.local" */
  readonly clusterDomain?: string;
  /**
   * `controlPlane.backingStore` values.
   * @default - the chart's embedded store for one replica; a deployed 3-member etcd when the control plane has more than one replica (the embedded store cannot serve HA)
   */
  readonly backingStore?: BackingStore;
  /**
   * Retired: `true` is refused, `false` is accepted and does nothing. It rendered a cert-manager PKI that neither etcd nor the control plane ever read, and its mount held the control plane in ContainerCreating until a merge Job had run; the chart's deployed etcd already runs TLS with client-certificate auth from the chart's own `<release>-certs`. `npm run migrate -- --declarations` removes it.
   * @deprecated remove it; the chart's deployed etcd secures itself
   * @default false
   */
  readonly etcdPki?: boolean;
  /** `exportKubeConfig` values deep-merged over `{server: <external URL>}`. @default {} */
  readonly exportKubeConfig?: ExportKubeConfig;
  /** API exposure. @default Exposure.loadBalancer() */
  readonly exposure?: Exposure;
  /** vcluster integrations with host operators. @default - metrics-server on; cert-manager and External Secrets only with the Pro edition (selectors from the platform) */
  readonly integrations?: IntegrationsSettings;
  /** Argo CD registration of the vcluster. @default - the preset's environment, the site's labels, annotations and workload repository */
  readonly argocd?: ArgoCdSettings;
  /** The Argo CD Application installing the chart. @default - the platform's chart, automated sync */
  readonly application?: ApplicationSettings;
  /** Extra network allowances of the host namespace. @default - no NFS, no extra egress */
  readonly networkPolicies?: NetworkPoliciesSettings;
  /** How the kubeconfig reaches 1Password. @default "pushSecret" */
  readonly kubeconfigSync?: KubeconfigSyncStrategy;
  /** What removing the declaration does to the vcluster's data and 1Password item. @default - the preset's (dev "delete", prod "retain") */
  readonly deletionPolicy?: DeletionPolicy;
  /** Helm values deep-merged last (maps merge, lists replace); still checked against the chart schema and the Helm values guard. @default {} */
  readonly helmValues?: VClusterHelmValues;
  /**
   * Exceptions to the Helm values guard, each `{ rule, path, reason }` (shown in INVENTORY.md; one
   * that waives nothing is an error; none to the pod rules or `hostSecretMapping` in strict mode).
   * @default [] - every rule of the guard applies
   */
  readonly exceptions?: readonly GuardException[];
}

/** Declares a vcluster (the typed identity function every `vclusters/<file>.ts` default-exports). */
export function defineVCluster(spec: VClusterSpec): VClusterSpec {
  return spec;
}

/** Top-level keys a declaration may have (the compiler keeps the list equal to {@link VClusterSpec}). */
export const SPEC_KEYS = keysOf<VClusterSpec>({
  name: true,
  targetNamespace: true,
  projectName: true,
  hostCluster: true,
  preset: true,
  kubernetesVersion: true,
  replicas: true,
  resources: true,
  persistence: true,
  isolationMode: true,
  isolation: true,
  coredns: true,
  clusterDomain: true,
  backingStore: true,
  etcdPki: true,
  exportKubeConfig: true,
  exposure: true,
  integrations: true,
  argocd: true,
  application: true,
  networkPolicies: true,
  kubeconfigSync: true,
  deletionPolicy: true,
  helmValues: true,
  exceptions: true,
});

/**
 * Keys a declaration may have below the top level, by dotted field path (`[]` = every list item),
 * each list taken from the feature that owns the settings.
 */
export const NESTED_SPEC_KEYS: Readonly<Record<string, readonly string[]>> = {
  resources: SIZING_KEYS.resources,
  'resources.requests': SIZING_KEYS.quantities,
  'resources.limits': SIZING_KEYS.quantities,
  persistence: SIZING_KEYS.persistence,
  isolation: ISOLATION_KEYS.isolation,
  'isolation.limitRange': ISOLATION_KEYS.limitRange,
  coredns: COREDNS_KEYS.coredns,
  'coredns.forwardZones[]': COREDNS_KEYS.forwardZone,
  integrations: INTEGRATIONS_KEYS.integrations,
  'integrations.certManager': INTEGRATIONS_KEYS.certManager,
  'integrations.externalSecrets': INTEGRATIONS_KEYS.externalSecrets,
  'integrations.metricsServer': INTEGRATIONS_KEYS.metricsServer,
  argocd: REGISTRATION_KEYS.argocd,
  'argocd.workloadRepo': REGISTRATION_KEYS.workloadRepo,
  application: APPLICATION_KEYS.application,
  'application.syncPolicy': APPLICATION_KEYS.syncPolicy,
  'application.syncPolicy.automated': APPLICATION_KEYS.automated,
  'application.syncPolicy.retry': APPLICATION_KEYS.retry,
  'application.syncPolicy.retry.backoff': APPLICATION_KEYS.backoff,
  'application.syncPolicy.managedNamespaceMetadata': APPLICATION_KEYS.managedNamespaceMetadata,
  networkPolicies: ISOLATION_KEYS.networkPolicies,
  'networkPolicies.extraEgress[]': ISOLATION_KEYS.egressRule,
  'exceptions[]': GUARD_EXCEPTION_KEYS,
};
