/**
 * VClusterChart: the composition root. One declaration (a {@link VClusterSpec}) plus the site's
 * {@link Platform} become one cdk8s Chart holding every host-cluster object of that vcluster.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ApplicationSpecSyncPolicy } from '../imports/argocd-application-argoproj.io';
import { ArgoRegistration, checkRegistrationInputs } from './argo-registration';
import { KubeconfigSync, checkKubeconfigExport, kubeconfigExportOf } from './kubeconfig-sync';
import { VClusterNames } from './naming';
import { Platform, VClusterHelmValues, WorkloadRepo } from './platform';
import { DeletionPolicy, PRESETS, PresetName } from './presets';
import { BackingStore, ControlPlanePersistence, ControlPlaneResources, ExportKubeConfig, VCluster } from './vcluster';
import { ApiRoute, Exposure, ResolvedExposure, resolveExposure } from './vcluster/exposure';
import { CoreDnsPatch, checkCoreDnsSettings } from './coredns-patch';
import { EtcdPki } from './vcluster/etcd-pki';
import { NetworkIsolation, checkExtraEgress } from './vcluster/network-isolation';
import { StrictIsolation, checkStrictIsolation } from './vcluster/strict-isolation';
import { JsonObject } from './vcluster/helm-values';
import { Problems, checkKnownKeys, isPlainObject } from './validation';

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
      readonly default?: Readonly<Record<string, string>>;
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
  /** `controlPlane.backingStore` values. @default - embedded store */
  readonly backingStore?: BackingStore;
  /** Render the cert-manager PKI for a deployed etcd and mount it into the control plane. @default false */
  readonly etcdPki?: boolean;
  /** `exportKubeConfig` values deep-merged over `{server: <external URL>}`. @default {} */
  readonly exportKubeConfig?: ExportKubeConfig;
  /** API exposure. @default Exposure.loadBalancer() */
  readonly exposure?: Exposure;
  /** vcluster integrations with host operators. */
  readonly integrations?: {
    /** cert-manager: ClusterIssuers synced from the host. @default - enabled with the platform's selector */
    readonly certManager?: { readonly enabled?: boolean; readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>> };
    /** External Secrets: ClusterSecretStores synced from the host. @default - enabled with the platform's selector */
    readonly externalSecrets?: { readonly enabled?: boolean; readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>> };
    /** metrics-server proxy to the host's metrics-server. @default - enabled */
    readonly metricsServer?: { readonly enabled?: boolean };
  };
  /** Argo CD registration of the vcluster. */
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
  /** The Argo CD Application installing the chart. */
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
  /** Extra network allowances of the host namespace. */
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
  'name', 'targetNamespace', 'projectName', 'hostCluster', 'preset', 'kubernetesVersion', 'replicas', 'resources',
  'persistence', 'isolationMode', 'isolation', 'coredns', 'clusterDomain', 'backingStore', 'etcdPki', 'exportKubeConfig',
  'exposure', 'integrations', 'argocd', 'application', 'networkPolicies', 'kubeconfigSync', 'deletionPolicy', 'helmValues',
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
  problems.dnsLabel('name', spec.name, 53);
  if (spec.targetNamespace !== undefined) problems.dnsLabel('targetNamespace', spec.targetNamespace);
  if (spec.projectName !== undefined) problems.dnsLabel('projectName', spec.projectName);
  const preset = spec.preset ?? 'dev';
  problems.oneOf('preset', preset, Object.keys(PRESETS) as PresetName[]);
  const presetValues = PRESETS[preset] ?? PRESETS.dev;
  const hostCluster = spec.hostCluster ?? platform.argocd.defaultHostCluster;
  const destinationServer = platform.argocd.hostClusters[hostCluster];
  if (!destinationServer) problems.add('hostCluster', hostCluster, `one of the platform's host clusters: ${Object.keys(platform.argocd.hostClusters).join(', ')}`);
  const isolationMode = spec.isolationMode ?? 'standard';
  problems.oneOf('isolationMode', isolationMode, ['standard', 'strict'] as IsolationMode[]);
  const kubeconfigSync = spec.kubeconfigSync ?? 'pushSecret';
  problems.oneOf('kubeconfigSync', kubeconfigSync, ['pushSecret', 'job'] as KubeconfigSyncStrategy[]);
  const environment = spec.argocd?.environment ?? presetValues.environment;
  problems.labels('argocd.environment', { environment });
  // registration (issue 3): cluster labels/annotations, the secret-type rule, the workload repo, exportKubeConfig
  if (isPlainObject(spec.argocd)) {
    checkRegistrationInputs(problems, spec.argocd, { labels: 'argocd.clusterLabels', annotations: 'argocd.clusterAnnotations', workloadRepo: 'argocd.workloadRepo', checkKeys: false });
  }
  checkKubeconfigExport(problems, 'exportKubeConfig', spec.exportKubeConfig, spec.targetNamespace ?? spec.name);
  const exposure = spec.exposure ?? Exposure.loadBalancer();
  if (!(exposure instanceof Exposure)) problems.add('exposure', exposure, 'Exposure.internal(), Exposure.loadBalancer({...}) or Exposure.gateway({...})');
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
  const deploy = (spec.backingStore as JsonObject | undefined)?.etcd as JsonObject | undefined;
  const deployEtcd = deploy?.deploy as JsonObject | undefined;
  const deployedEtcdReplicas =
    deployEtcd?.enabled === true
      ? Number(((deployEtcd.statefulSet as JsonObject | undefined)?.highAvailability as JsonObject | undefined)?.replicas ?? 1)
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
    const domain = typeof spec.clusterDomain === 'string' && new Problems().dnsSubdomain('clusterDomain', spec.clusterDomain) ? spec.clusterDomain : undefined;
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
    deletionPolicy: spec.deletionPolicy ?? presetValues.deletionPolicy,
    isolationMode,
    kubeconfigSync,
    hostCluster,
    destinationServer: destinationServer ?? '',
    chartVersion: spec.application?.targetRevision ?? platform.chart.version,
    exposure: resolvedExposure,
    deployedEtcdReplicas,
  };
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
      backingStore: spec.backingStore,
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
      new StrictIsolation(this, 'StrictIsolation', { vcluster: this.vcluster, deployedEtcd: r.deployedEtcdReplicas > 0, ...(spec.isolation ?? {}) });
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
