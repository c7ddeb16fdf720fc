/**
 * VClusterChart: the composition root. One declaration (a {@link VClusterSpec}) plus the site's
 * {@link Platform} become one cdk8s Chart holding every host-cluster object of that vcluster.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Address4 } from 'ip-address';
import { ApplicationSpecSyncPolicy } from '../imports/argocd-application-argoproj.io';
import { ArgoRegistration, checkRegistrationInputs } from './argo-registration';
import { KubeconfigSync, checkKubeconfigExport, kubeconfigExportOf } from './kubeconfig-sync';
import { VClusterNames } from './naming';
import { Platform, VClusterHelmValues, WorkloadRepo } from './platform';
import {
  DeletionPolicy,
  PRESETS,
  PresetName,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from './presets';
import { BackingStore, ControlPlanePersistence, ControlPlaneResources, ExportKubeConfig, VCluster } from './vcluster';
import { ApiRoute, Exposure, ResolvedExposure, resolveExposure } from './vcluster/exposure';
import { CoreDnsPatch, checkCoreDnsSettings } from './coredns-patch';
import { EtcdPki } from './vcluster/etcd-pki';
import { NetworkIsolation, checkExtraEgress } from './vcluster/network-isolation';
import { StrictIsolation, checkStrictIsolation } from './vcluster/strict-isolation';
import { JsonObject, deepMerge, valueAtPath as at } from './vcluster/helm-values';
import { Problems, checkKnownKeys, isPlainObject, parseQuantity } from './validation';

/** One extra egress allowance of a vcluster's namespace. */
export interface EgressRule {
  /** Rule name (a DNS label); the policy is `allow-<name>-egress`. */
  readonly name: string;
  /** Destination IPv4 CIDR. */
  readonly cidr: string;
  /** Destination port. */
  readonly port: number;
  /** Protocol. @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

/** A DNS zone the vcluster's CoreDNS forwards to specific upstream servers. */
export interface ForwardZone {
  /** Zone, e.g. `corp.example.com`. */
  readonly zone: string;
  /** Upstream DNS server addresses (IPv4). */
  readonly upstreams: readonly string[];
}

/** Isolation of a vcluster's host namespace. */
export type IsolationMode = 'standard' | 'strict';

/** How the vcluster kubeconfig reaches 1Password. */
export type KubeconfigSyncStrategy = 'pushSecret' | 'job';

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
  /** Sizing preset. @default "dev" */
  readonly preset?: PresetName;
  /** Kubernetes version: `1.34`, `1.33`, `1.32` or the exact pinned patch. @default - the platform's (1.34) */
  readonly kubernetesVersion?: string;
  /** Control-plane replicas. @default - the preset's (dev 1, prod 3) */
  readonly replicas?: number;
  /** Control-plane requests and limits. @default - the preset's */
  readonly resources?: ControlPlaneResources;
  /** Control-plane PVC. @default - the preset's */
  readonly persistence?: ControlPlanePersistence;
  /** Namespace isolation. @default "standard" */
  readonly isolationMode?: IsolationMode;
  /** Strict-mode limits (ignored in standard mode). @default - see the strict-mode defaults */
  readonly isolation?: {
    /** ResourceQuota `hard` limits. @default requests.cpu 4, requests.memory 8Gi, limits.cpu 8, limits.memory 16Gi, persistentvolumeclaims 20, pods 100 */
    readonly resourceQuota?: Readonly<Record<string, string>>;
    /** LimitRange container defaults. @default default cpu 500m / memory 512Mi, defaultRequest cpu 100m / memory 128Mi */
    readonly limitRange?: {
      /** Container limits when a pod sets none. @default cpu 500m, memory 512Mi */
      readonly default?: Readonly<Record<string, string>>;
      /** Container requests when a pod sets none. @default cpu 100m, memory 128Mi */
      readonly defaultRequest?: Readonly<Record<string, string>>;
    };
    /** Pod Security Standard enforced on the host namespace. @default "baseline" */
    readonly podSecurity?: 'baseline' | 'restricted';
  };
  /** DNS inside the vcluster. @default - preset replicas, cluster.local, forward to the host resolver */
  readonly coredns?: {
    /** CoreDNS replicas. @default - the preset's (dev 1, prod 2) */
    readonly replicas?: number;
    /** Zones forwarded to their own upstreams. @default [] */
    readonly forwardZones?: readonly ForwardZone[];
    /** Upstreams of everything else. @default - the host resolver (/etc/resolv.conf) */
    readonly upstreams?: readonly string[];
    /** Cache TTL in seconds. @default 30 */
    readonly cacheSeconds?: number;
  };
  /** Cluster domain inside the vcluster. @default "cluster.local" */
  readonly clusterDomain?: string;
  /**
   * `controlPlane.backingStore` values.
   * @default - the chart's embedded store for one replica; a deployed 3-member etcd when the control plane has more than one replica (the embedded store cannot serve HA)
   */
  readonly backingStore?: BackingStore;
  /** Render the cert-manager PKI for a deployed etcd and mount it into the control plane. @default false */
  readonly etcdPki?: boolean;
  /** `exportKubeConfig` values deep-merged over `{server: <external URL>}`. @default {} */
  readonly exportKubeConfig?: ExportKubeConfig;
  /** API exposure. @default Exposure.loadBalancer() */
  readonly exposure?: Exposure;
  /** vcluster integrations with host operators. @default - all three enabled, selectors from the platform */
  readonly integrations?: {
    /** cert-manager: ClusterIssuers synced from the host. @default - enabled with the platform's selector */
    readonly certManager?: { readonly enabled?: boolean; readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>> };
    /** External Secrets: ClusterSecretStores synced from the host. @default - enabled with the platform's selector */
    readonly externalSecrets?: { readonly enabled?: boolean; readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>> };
    /** metrics-server proxy to the host's metrics-server. @default - enabled */
    readonly metricsServer?: { readonly enabled?: boolean };
  };
  /** Argo CD registration of the vcluster. @default - the preset's environment, the site's labels, annotations and workload repository */
  readonly argocd?: {
    /** Environment label. @default - the preset's (development / production) */
    readonly environment?: string;
    /** Labels added to (or overriding) the site's cluster labels; `argocd.argoproj.io/secret-type` cannot be changed. @default {} */
    readonly clusterLabels?: Readonly<Record<string, string>>;
    /** Annotations added to (or overriding) the site's cluster annotations. @default {} */
    readonly clusterAnnotations?: Readonly<Record<string, string>>;
    /** Workload repository; missing fields from the platform. @default - the platform's */
    readonly workloadRepo?: Partial<WorkloadRepo>;
  };
  /** The Argo CD Application installing the chart. @default - the platform's chart, automated sync */
  readonly application?: {
    /** Helm repository. @default - the platform's */
    readonly repoURL?: string;
    /** Chart. @default - the platform's */
    readonly chart?: string;
    /** Exact chart version. @default - the platform's */
    readonly targetRevision?: string;
    /** Sync policy, deep-merged over the default (lists replace). @default - automated, selfHeal, prune */
    readonly syncPolicy?: ApplicationSpecSyncPolicy;
  };
  /** Extra network allowances of the host namespace. @default - no NFS, no extra egress */
  readonly networkPolicies?: {
    /** Egress to the platform's NFS servers on TCP 2049. @default false */
    readonly enableNFS?: boolean;
    /** More egress rules, one NetworkPolicy each. @default [] */
    readonly extraEgress?: readonly EgressRule[];
  };
  /** How the kubeconfig reaches 1Password. @default "pushSecret" */
  readonly kubeconfigSync?: KubeconfigSyncStrategy;
  /** What removing the declaration does to the vcluster's data and 1Password item. @default - the preset's (dev "delete", prod "retain") */
  readonly deletionPolicy?: DeletionPolicy;
  /** Helm values deep-merged last (maps merge, lists replace); still checked against the chart schema. @default {} */
  readonly helmValues?: VClusterHelmValues;
}

/** Declares a vcluster (the typed identity function every `vclusters/<file>.ts` default-exports). */
export function defineVCluster(spec: VClusterSpec): VClusterSpec {
  return spec;
}

/** Top-level keys a declaration may have. */
export const SPEC_KEYS: readonly string[] = [
  'name',
  'targetNamespace',
  'projectName',
  'hostCluster',
  'preset',
  'kubernetesVersion',
  'replicas',
  'resources',
  'persistence',
  'isolationMode',
  'isolation',
  'coredns',
  'clusterDomain',
  'backingStore',
  'etcdPki',
  'exportKubeConfig',
  'exposure',
  'integrations',
  'argocd',
  'application',
  'networkPolicies',
  'kubeconfigSync',
  'deletionPolicy',
  'helmValues',
];

/** Props of {@link VClusterChart}. */
export interface VClusterChartProps {
  /** The declaration. */
  readonly spec: VClusterSpec;
  /** The site configuration. */
  readonly platform: Platform;
}

/** A declaration with every default applied (what the constructs and the inventory read). */
export interface ResolvedSpec {
  readonly names: VClusterNames;
  readonly preset: PresetName;
  readonly environment: string;
  readonly deletionPolicy: DeletionPolicy;
  readonly isolationMode: IsolationMode;
  readonly kubeconfigSync: KubeconfigSyncStrategy;
  readonly hostCluster: string;
  readonly destinationServer: string;
  readonly chartVersion: string;
  readonly exposure: ResolvedExposure;
  /** The backing store values rendered (the declaration's, or a deployed etcd for an HA control plane without one). */
  readonly backingStore?: BackingStore;
  readonly deployedEtcdReplicas: number;
}

/**
 * Checks everything about a declaration that can be checked without building it, and resolves its
 * defaults. Problems are recorded, not thrown, so that a run can report all of them.
 */
export function resolveSpec(problems: Problems, spec: VClusterSpec, platform: Platform): ResolvedSpec {
  if (!isPlainObject(spec)) {
    problems.add('(declaration)', spec, 'an object returned by defineVCluster({...}) as the default export');
    spec = { name: '' };
  }
  checkKnownKeys(problems, '', spec, SPEC_KEYS);
  checkDeclaration(problems, spec, platform);
  problems.dnsLabel('name', spec.name, 53);
  if (spec.targetNamespace !== undefined) problems.dnsLabel('targetNamespace', spec.targetNamespace);
  if (spec.projectName !== undefined) problems.dnsLabel('projectName', spec.projectName);
  const preset = spec.preset ?? 'dev';
  problems.oneOf('preset', preset, Object.keys(PRESETS) as PresetName[]);
  const presetValues = typeof preset === 'string' && Object.hasOwn(PRESETS, preset) ? PRESETS[preset] : PRESETS.dev;
  const hostCluster = spec.hostCluster ?? platform.argocd.defaultHostCluster;
  const destinationServer =
    typeof hostCluster === 'string' && Object.hasOwn(platform.argocd.hostClusters, hostCluster)
      ? platform.argocd.hostClusters[hostCluster]
      : undefined;
  if (!destinationServer)
    problems.add(
      'hostCluster',
      hostCluster,
      `one of the platform's host clusters: ${Object.keys(platform.argocd.hostClusters).join(', ')}`,
    );
  const isolationMode = spec.isolationMode ?? 'standard';
  problems.oneOf('isolationMode', isolationMode, ['standard', 'strict'] as IsolationMode[]);
  const kubeconfigSync = spec.kubeconfigSync ?? 'pushSecret';
  problems.oneOf('kubeconfigSync', kubeconfigSync, ['pushSecret', 'job'] as KubeconfigSyncStrategy[]);
  const deletionPolicy = spec.deletionPolicy ?? presetValues.deletionPolicy;
  if (kubeconfigSync === 'job' && deletionPolicy === 'delete') {
    // The one-shot Job cannot remove the 1Password item when the vcluster goes; the item must follow the deletion policy.
    problems.add(
      'kubeconfigSync',
      'job',
      '"pushSecret" when the vcluster is deleted with its declaration (deletionPolicy "delete", the dev default): only the PushSecret removes the 1Password item again',
      'use kubeconfigSync: "pushSecret", or set deletionPolicy: "retain"',
    );
  }
  const environment = spec.argocd?.environment ?? presetValues.environment;
  problems.labelValue('argocd.environment', environment);
  // registration (issue 3): cluster labels/annotations, the secret-type rule, the workload repo, exportKubeConfig
  if (isPlainObject(spec.argocd)) {
    checkRegistrationInputs(problems, spec.argocd, {
      labels: 'argocd.clusterLabels',
      annotations: 'argocd.clusterAnnotations',
      workloadRepo: 'argocd.workloadRepo',
      checkKeys: false,
    });
  }
  checkKubeconfigExport(problems, 'exportKubeConfig', spec.exportKubeConfig, spec.targetNamespace ?? spec.name);
  const exposure = spec.exposure ?? Exposure.loadBalancer();
  if (!(exposure instanceof Exposure))
    problems.add('exposure', exposure, 'Exposure.internal(), Exposure.loadBalancer({...}) or Exposure.gateway({...})');
  const names = new VClusterNames({
    name: typeof spec.name === 'string' ? spec.name : '',
    namespace: spec.targetNamespace,
    project: spec.projectName,
    baseDomain: platform.baseDomain,
  });
  const resolvedExposure = resolveExposure(problems, exposure instanceof Exposure ? exposure : Exposure.loadBalancer(), {
    release: names.release,
    namespace: names.namespace,
    baseDomain: platform.baseDomain,
    vipOffset: platform.loadBalancer.vipOffset,
    gateway: platform.gateway,
  });
  const backingStore = effectiveBackingStore(spec, presetValues.replicas);
  const deployedEtcdReplicas =
    at(backingStore, ['etcd', 'deploy', 'enabled']) === true
      ? Number(at(backingStore, ['etcd', 'deploy', 'statefulSet', 'highAvailability', 'replicas']) ?? 1)
      : 0;
  if (spec.etcdPki && !deployedEtcdReplicas) {
    problems.add('etcdPki', true, 'true only with a deployed etcd (backingStore.etcd.deploy.enabled: true)');
  }
  // issue 4: the contents of extraEgress rules, strict-mode settings and DNS settings (their shape and keys are checked above).
  if (Array.isArray(spec.networkPolicies?.extraEgress)) {
    checkExtraEgress(problems.scope('networkPolicies'), spec.networkPolicies.extraEgress, spec.networkPolicies.enableNFS === true, false);
  }
  if (isPlainObject(spec.isolation)) checkStrictIsolation(problems.scope('isolation'), spec.isolation, false);
  if (isPlainObject(spec.coredns)) {
    const { upstreams, forwardZones, cacheSeconds } = spec.coredns;
    const domain =
      typeof spec.clusterDomain === 'string' && new Problems().dnsSubdomain('clusterDomain', spec.clusterDomain)
        ? spec.clusterDomain
        : undefined;
    checkCoreDnsSettings(problems.scope('coredns'), { upstreams, forwardZones, cacheSeconds, clusterDomain: domain });
  }
  if (problems.ok) {
    names.check(problems, {
      kubeconfigSync,
      deployedEtcd: deployedEtcdReplicas,
      etcdPki: spec.etcdPki === true,
      gatewayRoute: resolvedExposure.mode === 'gateway',
    });
  }
  return {
    names,
    preset,
    environment,
    deletionPolicy,
    isolationMode,
    kubeconfigSync,
    hostCluster,
    destinationServer: destinationServer ?? '',
    chartVersion: spec.application?.targetRevision ?? platform.chart.version,
    exposure: resolvedExposure,
    backingStore,
    deployedEtcdReplicas,
  };
}

/** Members of the etcd a highly available control plane gets when the declaration names no backing store. */
export const DEFAULT_HA_ETCD_MEMBERS = 3;

/**
 * The backing store a declaration runs on. The chart's default store (embedded SQLite) cannot serve
 * more than one control-plane replica, so a declaration with replicas > 1 (the `prod` preset) and
 * no enabled backing store gets a deployed etcd of {@link DEFAULT_HA_ETCD_MEMBERS} members.
 */
export function effectiveBackingStore(spec: VClusterSpec, presetReplicas: number): BackingStore | undefined {
  const declared = isPlainObject(spec.backingStore) ? (spec.backingStore as BackingStore) : undefined;
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : presetReplicas;
  if (replicas <= 1 || enabledBackingStores(declared).length > 0) return declared;
  return deepMerge(
    { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: DEFAULT_HA_ETCD_MEMBERS } } } } },
    declared as JsonObject | undefined,
  ) as BackingStore;
}

/** Keys a declaration may have below the top level, by dotted field path (`[]` = every list item). */
export const NESTED_SPEC_KEYS: Readonly<Record<string, readonly string[]>> = {
  resources: ['requests', 'limits'],
  'resources.requests': ['cpu', 'memory'],
  'resources.limits': ['cpu', 'memory'],
  persistence: ['enabled', 'size', 'storageClass'],
  isolation: ['resourceQuota', 'limitRange', 'podSecurity'],
  'isolation.limitRange': ['default', 'defaultRequest'],
  coredns: ['replicas', 'forwardZones', 'upstreams', 'cacheSeconds'],
  'coredns.forwardZones[]': ['zone', 'upstreams'],
  integrations: ['certManager', 'externalSecrets', 'metricsServer'],
  'integrations.certManager': ['enabled', 'clusterIssuerSelectorLabels'],
  'integrations.externalSecrets': ['enabled', 'clusterStoreSelectorLabels'],
  'integrations.metricsServer': ['enabled'],
  argocd: ['environment', 'clusterLabels', 'clusterAnnotations', 'workloadRepo'],
  'argocd.workloadRepo': ['url', 'basePath', 'path', 'revision'],
  application: ['repoURL', 'chart', 'targetRevision', 'syncPolicy'],
  'application.syncPolicy': ['automated', 'syncOptions', 'retry', 'managedNamespaceMetadata'],
  'application.syncPolicy.automated': ['prune', 'selfHeal', 'allowEmpty', 'enabled'],
  'application.syncPolicy.retry': ['limit', 'backoff', 'refresh'],
  'application.syncPolicy.retry.backoff': ['duration', 'factor', 'maxDuration'],
  'application.syncPolicy.managedNamespaceMetadata': ['labels', 'annotations'],
  networkPolicies: ['enableNFS', 'extraEgress'],
  'networkPolicies.extraEgress[]': ['name', 'cidr', 'port', 'protocol'],
};

/** Options of each exposure mode (`Exposure.<mode>({...})`). */
const EXPOSURE_KEYS: Readonly<Record<string, readonly string[]>> = {
  internal: [],
  loadBalancer: ['hostname', 'apiPort', 'vip', 'subnet', 'vipOffset'],
  gateway: ['hostname', 'gatewayName', 'gatewayNamespace', 'sectionName'],
};

/** Namespaces a vcluster must never be placed in (Kubernetes' own and the Argo CD namespace). */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Helm values that have a first-class declaration field: setting them through `helmValues` would
 * bypass what that field also drives (etcd PKI, deletion protection, CoreDNS, version pinning).
 */
const HELM_VALUES_OWNED_BY_FIELDS: ReadonlyArray<[path: readonly string[], field: string]> = [
  [['controlPlane', 'backingStore'], 'backingStore'],
  [['controlPlane', 'statefulSet', 'highAvailability', 'replicas'], 'replicas'],
  [['controlPlane', 'statefulSet', 'persistence', 'volumeClaim', 'retentionPolicy'], 'deletionPolicy'],
  [['controlPlane', 'distro', 'k8s', 'image', 'tag'], 'kubernetesVersion'],
  [['controlPlane', 'distro', 'k8s', 'version'], 'kubernetesVersion'],
  [['networking', 'advanced', 'clusterDomain'], 'clusterDomain'],
  [['exportKubeConfig'], 'exportKubeConfig'],
];

/** Reports unknown keys at every level of the declaration this project defines (typos are errors). */
function checkSpecShape(problems: Problems, spec: JsonObject): void {
  for (const [field, keys] of Object.entries(NESTED_SPEC_KEYS)) {
    const list = field.endsWith('[]');
    const path = (list ? field.slice(0, -2) : field).split('.');
    const value = at(spec, path);
    if (value === undefined) continue;
    if (list) {
      if (!Array.isArray(value)) continue; // reported by the field's own check
      value.forEach((item, i) => {
        const itemField = `${path.join('.')}[${i}]`;
        if (isPlainObject(item)) checkKnownKeys(problems, itemField, item, keys);
        else problems.add(itemField, item, `an object with the keys ${keys.join(', ')}`);
      });
    } else if (isPlainObject(value)) {
      checkKnownKeys(problems, field, value, keys);
    } else {
      problems.add(field, value, `an object with (some of) the keys ${keys.join(', ')}`);
    }
  }
}

/** Which backing stores a `backingStore` value enables (at most one may be). */
function enabledBackingStores(backingStore: unknown): string[] {
  const kinds = [
    ['etcd', 'deploy'],
    ['etcd', 'embedded'],
    ['etcd', 'external'],
    ['database', 'embedded'],
    ['database', 'external'],
  ];
  return kinds.filter((k) => at(backingStore, [...k, 'enabled']) === true).map((k) => k.join('.'));
}

/**
 * The checks of a declaration's fields and of the combinations of fields, beyond those each
 * construct makes of its own props: types and unknown keys at every level, versions, quantities,
 * requests within limits, reserved namespaces, options that exclude each other, Helm values that
 * would bypass a first-class field. Records every problem under the declaration's field path.
 */
export function checkDeclaration(problems: Problems, spec: VClusterSpec, platform: Platform): void {
  const s = spec as unknown as JsonObject;
  checkSpecShape(problems, s);
  const preset = typeof spec.preset === 'string' && Object.hasOwn(PRESETS, spec.preset) ? PRESETS[spec.preset] : PRESETS.dev;

  // Names and namespaces.
  const namespace = spec.targetNamespace ?? spec.name;
  const namespaceField = spec.targetNamespace !== undefined ? 'targetNamespace' : 'name';
  const reserved = [...RESERVED_NAMESPACES, platform.argocd.namespace];
  for (const ns of [platform.network.gatewayNamespace, platform.network.monitoringNamespace, platform.gateway?.namespace]) {
    if (ns && !reserved.includes(ns)) reserved.push(ns);
  }
  if (typeof namespace === 'string' && (reserved.includes(namespace) || namespace.startsWith('kube-'))) {
    problems.add(
      namespaceField,
      namespace,
      `a host namespace of its own, not ${reserved.map((n) => `"${n}"`).join(', ')} or any "kube-*" namespace`,
      namespaceField === 'name'
        ? 'set targetNamespace to a namespace only this vcluster uses'
        : 'use a namespace only this vcluster uses, e.g. the vcluster name',
    );
  }
  const project = spec.projectName ?? `vcluster-${String(spec.name)}`;
  if (project === platform.argocd.bootstrapProject || project === 'default') {
    problems.add(
      spec.projectName !== undefined ? 'projectName' : 'name',
      spec.projectName ?? spec.name,
      `an AppProject of its own, not "${project}" (the bootstrap or Argo CD default project)`,
      'set projectName to a project only this vcluster uses',
    );
  }
  if (spec.hostCluster !== undefined && typeof spec.hostCluster !== 'string')
    problems.add('hostCluster', spec.hostCluster, "the name of one of the platform's host clusters");

  // Versions.
  if (
    spec.kubernetesVersion !== undefined &&
    (typeof spec.kubernetesVersion !== 'string' || !resolveKubernetesVersion(spec.kubernetesVersion))
  ) {
    problems.add(
      'kubernetesVersion',
      spec.kubernetesVersion,
      kubernetesVersionsAllowed(),
      'write the version as a quoted string, e.g. "1.33"',
    );
  }
  const app = isPlainObject(spec.application) ? spec.application : {};
  if (app.targetRevision !== undefined && (typeof app.targetRevision !== 'string' || !chartLineOf(app.targetRevision))) {
    problems.add(
      'application.targetRevision',
      app.targetRevision,
      `an exact supported vcluster chart version: ${chartVersionsAllowed()}`,
      'pin one exact version; ranges, "latest" and "0.31" are not allowed',
    );
  }
  if (app.repoURL !== undefined) problems.httpsUrl('application.repoURL', app.repoURL);
  if (app.chart !== undefined) problems.dnsLabel('application.chart', app.chart);
  const syncPolicy = isPlainObject(app.syncPolicy) ? (app.syncPolicy as JsonObject) : undefined;
  if (syncPolicy) {
    const automated = syncPolicy.automated;
    if (isPlainObject(automated)) {
      for (const k of ['prune', 'selfHeal', 'allowEmpty', 'enabled'])
        if (automated[k] !== undefined) problems.boolean(`application.syncPolicy.automated.${k}`, automated[k]);
    }
    if (
      syncPolicy.syncOptions !== undefined &&
      problems.array(
        'application.syncPolicy.syncOptions',
        syncPolicy.syncOptions,
        'a list of "Option=value" strings such as "ServerSideApply=true"',
      )
    ) {
      (syncPolicy.syncOptions as unknown[]).forEach((o, i) => {
        if (typeof o !== 'string' || !/^[A-Za-z]+=\S+$/.test(o))
          problems.add(`application.syncPolicy.syncOptions[${i}]`, o, 'an "Option=value" string such as "ServerSideApply=true"');
      });
    }
    const retry = syncPolicy.retry;
    if (isPlainObject(retry) && retry.limit !== undefined) {
      problems.integer('application.syncPolicy.retry.limit', retry.limit, 0, 100);
    }
  } else if (app.syncPolicy !== undefined) {
    problems.add('application.syncPolicy', app.syncPolicy, 'an Argo CD sync policy object');
  }

  // Sizing.
  if (spec.replicas !== undefined) problems.integer('replicas', spec.replicas, 1, 15);
  const resources = isPlainObject(spec.resources) ? spec.resources : {};
  const merged: Record<'requests' | 'limits', Record<string, unknown>> = {
    requests: { ...preset.resources.requests },
    limits: { ...preset.resources.limits },
  };
  for (const kind of ['requests', 'limits'] as const) {
    const given = resources[kind];
    if (!isPlainObject(given)) continue;
    for (const [k, v] of Object.entries(given)) {
      if (v === undefined) continue;
      merged[kind][k] = v;
      problems.quantity(`resources.${kind}.${k}`, v);
    }
  }
  for (const k of ['cpu', 'memory']) {
    const req = typeof merged.requests[k] === 'string' ? parseQuantity(merged.requests[k] as string) : undefined;
    const lim = typeof merged.limits[k] === 'string' ? parseQuantity(merged.limits[k] as string) : undefined;
    if (req !== undefined && lim !== undefined && req > lim) {
      const given = isPlainObject(resources.requests) && resources.requests[k] !== undefined;
      problems.add(
        given ? `resources.requests.${k}` : `resources.limits.${k}`,
        given ? merged.requests[k] : merged.limits[k],
        `a ${k} request at most the ${k} limit (request ${String(merged.requests[k])}, limit ${String(merged.limits[k])}); Kubernetes rejects the pods otherwise`,
        `lower resources.requests.${k} or raise resources.limits.${k}`,
      );
    }
  }
  if (isPlainObject(spec.persistence)) {
    const pv = spec.persistence as JsonObject;
    if (pv.enabled !== undefined) problems.boolean('persistence.enabled', pv.enabled);
    if (pv.size !== undefined && problems.quantity('persistence.size', pv.size) && !(parseQuantity(pv.size as string)! > 0)) {
      problems.add('persistence.size', pv.size, 'a size greater than zero, such as "10Gi"');
    }
    if (pv.storageClass !== undefined) problems.dnsSubdomain('persistence.storageClass', pv.storageClass);
    const enabled = pv.enabled ?? preset.persistence.enabled;
    if (enabled === false && (pv.size !== undefined || pv.storageClass !== undefined)) {
      problems.add(
        'persistence.enabled',
        false,
        'true when persistence.size or persistence.storageClass is set (without a PVC they do nothing)',
        'set persistence.enabled: true, or remove size and storageClass',
      );
    }
  }
  if (spec.clusterDomain !== undefined) problems.dnsSubdomain('clusterDomain', spec.clusterDomain);
  if (spec.isolation !== undefined && spec.isolationMode !== 'strict') {
    problems.add(
      'isolation',
      spec.isolation,
      'isolation settings only with isolationMode: "strict" (standard mode ignores them)',
      'set isolationMode: "strict", or remove isolation',
    );
  }
  if (isPlainObject(spec.coredns) && spec.coredns.replicas !== undefined)
    problems.integer('coredns.replicas', spec.coredns.replicas, 1, 15);

  // Backing store and the etcd PKI.
  if (spec.backingStore !== undefined) {
    if (
      problems.object(
        'backingStore',
        spec.backingStore,
        "the chart's controlPlane.backingStore values, e.g. { etcd: { deploy: { enabled: true } } }",
      )
    ) {
      const stores = enabledBackingStores(spec.backingStore);
      if (stores.length > 1) {
        problems.add(
          'backingStore',
          stores,
          'at most one enabled backing store (etcd.deploy, etcd.embedded, etcd.external, database.embedded or database.external)',
          'keep one and remove the others',
        );
      }
      const retention = at(spec.backingStore, ['etcd', 'deploy', 'statefulSet', 'persistence', 'volumeClaim', 'retentionPolicy']);
      if (retention !== undefined) {
        problems.add(
          'backingStore.etcd.deploy.statefulSet.persistence.volumeClaim.retentionPolicy',
          retention,
          'no value here: deletionPolicy decides whether the etcd volumes are kept ("retain" → Retain, "delete" → Delete)',
          'remove it and set deletionPolicy',
        );
      }
      const deployReplicas = at(spec.backingStore, ['etcd', 'deploy', 'statefulSet', 'highAvailability', 'replicas']);
      if (deployReplicas !== undefined)
        problems.integer('backingStore.etcd.deploy.statefulSet.highAvailability.replicas', deployReplicas, 1, 9);
    }
  }
  if (spec.etcdPki !== undefined) problems.boolean('etcdPki', spec.etcdPki);
  if (spec.exportKubeConfig !== undefined)
    problems.object('exportKubeConfig', spec.exportKubeConfig, "the chart's exportKubeConfig values");

  // Exposure: only the options of the chosen mode.
  const exposure = spec.exposure as unknown;
  if (exposure instanceof Exposure) {
    const known = EXPOSURE_KEYS[exposure.mode] ?? [];
    const props = exposure.props as JsonObject;
    if (!isPlainObject(props)) {
      problems.add('exposure', props, `Exposure.${exposure.mode}({...}) with an options object`);
    } else {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || known.includes(k)) continue;
        const modes = Object.entries(EXPOSURE_KEYS)
          .filter(([, keys]) => keys.includes(k))
          .map(([m]) => `Exposure.${m}()`);
        problems.add(
          `exposure.${k}`,
          v,
          modes.length
            ? `${k} only with ${modes.join(' or ')} (this vcluster uses Exposure.${exposure.mode}(), which ignores it)`
            : `only the options ${known.join(', ') || '(none)'} of Exposure.${exposure.mode}()`,
          modes.length ? `remove ${k}, or switch to ${modes.join(' or ')}` : 'remove the key or fix its spelling',
        );
      }
      if (exposure.mode === 'loadBalancer' && props.vipOffset !== undefined) {
        if (props.vip !== undefined)
          problems.add(
            'exposure.vipOffset',
            props.vipOffset,
            'vipOffset only when the VIP is derived from exposure.subnet; an explicit exposure.vip ignores it',
            'remove vipOffset or vip',
          );
        else if (props.subnet === undefined)
          problems.add(
            'exposure.vipOffset',
            props.vipOffset,
            'vipOffset only together with exposure.subnet (the VIP is subnet network address + offset)',
            'add exposure.subnet, or remove vipOffset',
          );
      }
      if (
        exposure.mode === 'loadBalancer' &&
        typeof props.vip === 'string' &&
        typeof props.subnet === 'string' &&
        Address4.isValid(props.subnet) &&
        Address4.isValid(props.vip)
      ) {
        const net = new Address4(props.subnet);
        const vip = new Address4(props.vip).correctForm();
        if (net.subnetMask < 31 && (vip === net.startAddress().correctForm() || vip === net.endAddress().correctForm())) {
          problems.add(
            'exposure.vip',
            props.vip,
            `a host address of ${props.subnet}, not its network or broadcast address`,
            'pick an address inside the load-balancer pool',
          );
        }
      }
    }
  }

  // Integrations.
  const integrations = isPlainObject(spec.integrations) ? (spec.integrations as JsonObject) : {};
  for (const [name, labelsKey] of [
    ['certManager', 'clusterIssuerSelectorLabels'],
    ['externalSecrets', 'clusterStoreSelectorLabels'],
    ['metricsServer', undefined],
  ] as const) {
    const i = integrations[name];
    if (!isPlainObject(i)) continue;
    if (i.enabled !== undefined) problems.boolean(`integrations.${name}.enabled`, i.enabled);
    if (labelsKey && i[labelsKey] !== undefined) {
      problems.labels(`integrations.${name}.${labelsKey}`, i[labelsKey]);
      if (i.enabled === false)
        problems.add(
          `integrations.${name}.${labelsKey}`,
          i[labelsKey],
          `selector labels only when integrations.${name} is enabled`,
          `remove ${labelsKey} or enabled: false`,
        );
    }
  }

  // Network policies.
  if (isPlainObject(spec.networkPolicies)) {
    const np = spec.networkPolicies as JsonObject;
    if (
      np.enableNFS !== undefined &&
      problems.boolean('networkPolicies.enableNFS', np.enableNFS) &&
      np.enableNFS &&
      !platform.network.nfsCidr
    ) {
      problems.add(
        'networkPolicies.enableNFS',
        true,
        'true only when the platform declares network.nfsCidr',
        'set network.nfsCidr in the platform configuration, or remove enableNFS',
      );
    }
    if (np.extraEgress !== undefined)
      problems.array('networkPolicies.extraEgress', np.extraEgress, 'a list of { name, cidr, port, protocol } rules');
  }

  // Deletion protection and the escape hatch.
  if (spec.deletionPolicy !== undefined) problems.oneOf('deletionPolicy', spec.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
  if (spec.helmValues !== undefined && problems.object('helmValues', spec.helmValues, 'a map of Helm values of the vcluster chart')) {
    for (const [path, field] of HELM_VALUES_OWNED_BY_FIELDS) {
      const v = at(spec.helmValues, path);
      if (v !== undefined) {
        problems.add(
          `helmValues.${path.join('.')}`,
          v,
          `this value only through the declaration field ${field} (it also drives objects outside the Helm values)`,
          `remove it from helmValues and set ${field} instead`,
        );
      }
    }
  }
}

/**
 * Every host-cluster object of one vcluster.
 *
 * Composes {@link VCluster} (namespace, AppProject, Application with the Helm values), the API
 * exposure, and the registration, kubeconfig, DNS, network and PKI constructs, all wired from one
 * declaration and the site configuration. The chart validates the declaration eagerly and throws
 * one {@link ValidationError} listing every problem.
 */
export class VClusterChart extends Chart {
  /** The declaration with its defaults applied. */
  public readonly resolved: ResolvedSpec;
  /** The declaration as written. */
  public readonly spec: VClusterSpec;
  /** The VCluster construct. */
  public readonly vcluster: VCluster;

  constructor(scope: Construct, id: string, props: VClusterChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, platform } = props;
    const problems = new Problems();
    this.resolved = resolveSpec(problems, spec, platform);
    problems.throwIfAny(`vcluster "${String(spec?.name)}"`);
    this.spec = spec;
    const r = this.resolved;
    const names = r.names;
    const integrations = spec.integrations ?? {};

    this.vcluster = new VCluster(this, 'VCluster', {
      releaseName: names.release,
      namespace: names.namespace,
      project: names.project,
      argocdNamespace: platform.argocd.namespace,
      repoURL: spec.application?.repoURL ?? platform.chart.repoURL,
      chart: spec.application?.chart ?? platform.chart.name,
      targetRevision: r.chartVersion,
      destinationServer: r.destinationServer,
      syncPolicy: spec.application?.syncPolicy,
      preset: r.preset,
      kubernetesVersion: spec.kubernetesVersion ?? platform.kubernetesVersion,
      replicas: spec.replicas,
      resources: spec.resources,
      persistence: spec.persistence,
      corednsReplicas: spec.coredns?.replicas,
      clusterDomain: spec.clusterDomain,
      backingStore: r.backingStore,
      serverUrl: r.exposure.serverUrl,
      exportKubeConfig: spec.exportKubeConfig,
      environment: r.environment,
      clusterIssuerSelectorLabels:
        integrations.certManager?.enabled === false
          ? undefined
          : { ...(integrations.certManager?.clusterIssuerSelectorLabels ?? platform.integrations.clusterIssuerSelectorLabels) },
      clusterStoreSelectorLabels:
        integrations.externalSecrets?.enabled === false
          ? undefined
          : { ...(integrations.externalSecrets?.clusterStoreSelectorLabels ?? platform.integrations.clusterStoreSelectorLabels) },
      metricsServer: integrations.metricsServer?.enabled ?? true,
      deletionPolicy: r.deletionPolicy,
      namespaceLabels: platform.namespaceLabels,
      siteHelmValues: platform.helmValues,
      helmValues: spec.helmValues,
    });
    this.vcluster.addHelmValues('exposure', r.exposure.helmValues);
    if (r.exposure.mode === 'gateway' && r.exposure.gateway) {
      new ApiRoute(this, 'ApiRoute', {
        name: names.apiRoute,
        namespace: names.namespace,
        hostname: r.exposure.hostname,
        serviceName: names.service,
        gateway: r.exposure.gateway,
      });
    }

    // --- network, isolation, DNS, PKI (issue 4) ---
    new CoreDnsPatch(this, 'CoreDnsPatch', {
      vcluster: this.vcluster,
      clusterDomain: spec.clusterDomain,
      replicas: spec.coredns?.replicas,
      upstreams: spec.coredns?.upstreams,
      forwardZones: spec.coredns?.forwardZones,
      cacheSeconds: spec.coredns?.cacheSeconds,
    });
    const network = platform.network;
    const apiGatewayNamespace = r.exposure.mode === 'gateway' ? r.exposure.gateway?.namespace : undefined;
    new NetworkIsolation(this, 'NetworkIsolation', {
      namespace: names.namespace,
      releaseName: names.release,
      mode: r.isolationMode,
      cilium: network.cilium,
      hostDnsAddress: network.hostDnsAddress,
      apiClientNamespaces: apiGatewayNamespace ? [platform.argocd.namespace, apiGatewayNamespace] : [platform.argocd.namespace],
      apiClientCidrs: network.apiClientCidrs,
      workloadGatewayNamespace: network.gatewayNamespace,
      monitoringNamespace: network.monitoringNamespace,
      onePasswordConnectCidr: network.onePasswordConnectCidr,
      onePasswordEgress: r.kubeconfigSync === 'job',
      clusterDns: network.clusterDns,
      metricsServerPeer: network.metricsServer,
      metricsServer: integrations.metricsServer?.enabled ?? true,
      privateCidrs: network.privateCidrs,
      enableNFS: spec.networkPolicies?.enableNFS,
      nfsCidr: network.nfsCidr,
      extraEgress: spec.networkPolicies?.extraEgress,
      exposureMode: r.exposure.mode,
      deployedEtcd: r.deployedEtcdReplicas > 0,
      kubeApiCidrs: network.kubeApiCidrs,
      kubeApiPort: network.kubeApiPort,
      labels: network.policyLabels,
    });
    if (r.isolationMode === 'strict') {
      new StrictIsolation(this, 'StrictIsolation', {
        vcluster: this.vcluster,
        deployedEtcd: r.deployedEtcdReplicas > 0,
        ...(spec.isolation ?? {}),
      });
    }
    if (spec.etcdPki) {
      new EtcdPki(this, 'EtcdPki', {
        vcluster: this.vcluster,
        etcdReplicas: r.deployedEtcdReplicas,
        clusterDomain: spec.clusterDomain,
        image: platform.images.kubectl,
      });
    }
    // --- end issue 4 ---

    // --- registration (issue 3) ---
    // The kubeconfig the chart will export (final values, so site Helm values count too) decides
    // the Secret to sync and whether Argo CD authenticates with client certificates or a token.
    const kubeconfigExport = kubeconfigExportOf(this.vcluster.helmValues().exportKubeConfig, names.release);
    new KubeconfigSync(this, 'KubeconfigSync', {
      releaseName: names.release,
      namespace: names.namespace,
      kubeconfigSecret: kubeconfigExport.secretName,
      strategy: r.kubeconfigSync,
      credentials: kubeconfigExport.credentials,
      remoteKey: names.onePasswordItem,
      secretStoreName: platform.secretStore.name,
      secretStoreKind: platform.secretStore.kind,
      vault: platform.onePassword.vault,
      itemTags: ['cluster', 'kubeconfig', r.environment],
      deletionPolicy: r.deletionPolicy,
      connectHost: platform.onePassword.connectHost,
      tokenItem: platform.onePassword.tokenItem,
      image: platform.images.curlJq,
    });
    ArgoRegistration.forVCluster(this, 'ArgoRegistration', {
      vclusterName: names.release,
      server: r.exposure.serverUrl,
      platform,
      environment: r.environment,
      clusterLabels: spec.argocd?.clusterLabels,
      clusterAnnotations: spec.argocd?.clusterAnnotations,
      workloadRepo: spec.argocd?.workloadRepo,
      credentials: kubeconfigExport.credentials,
    });
    // --- end registration ---
  }
}

/**
 * Builds one vcluster's chart in an App of its own and returns its objects as JSON.
 * One App per chart keeps synthesis linear in the number of vclusters (cdk8s resolves and
 * validates the whole App for every chart it serializes).
 */
export function synthVCluster(spec: VClusterSpec, platform: Platform): { chart: VClusterChart; objects: JsonObject[] } {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new VClusterChart(app, typeof spec?.name === 'string' ? spec.name : 'vcluster', { spec, platform });
  // Checked here too (not only by the chart's validation) so the error carries field and value.
  chart.vcluster.helmValueProblems().throwIfAny(`Helm values of vcluster "${chart.resolved.names.release}"`);
  return { chart, objects: chart.toJson() as JsonObject[] };
}
