/**
 * Site configuration: everything that differs between organisations, declared once per repository
 * (in this repository: `vclusters/platform.ts`) and never hard-coded in the library.
 */
import { HostClusterFacts, checkHosts, resolveHosts } from './hosts';
import { BackupSettings, ResolvedEtcdSnapshotSettings, checkBackups, resolveEtcdSnapshotSettings } from '../etcd/snapshot-settings';
import type { GatewayRef } from '../exposure/exposure-mode';
import { MonitoringSettings, ResolvedMonitoring, checkMonitoring, resolveMonitoring } from '../monitoring/settings';
import {
  ChartLine,
  DEFAULT_CHART,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_TOOLING_IMAGE,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from '../presets';
import { Problems, checkKnownKeys, checkPlainData, deepFreeze, isPlainObject, keysOf } from '../validation';
import { checkBackingStoreEtcdArgs } from '../etcd/client-auth';
import { VClusterEdition, resolveEdition } from '../vcluster/edition';
import { ResolvedPreset, SitePreset, SitePresetPersistence, checkSitePresets, resolveSitePresets } from './site-presets';
import { GuardException, checkGuardExceptions } from '../vcluster/exceptions';
import { VClusterHelmValues, checkHelmValues, valueAtPath } from '../vcluster/helm-values';
import { checkNoPodSecurityLabels } from '../vcluster/pod-security-labels';
import { checkHelmValueGuard } from '../vcluster/values-guard';
import { checkValueLimits } from '../vcluster/values-limits';

export type { BackupSettings, MonitoringSettings, ResolvedPreset, SitePreset, SitePresetPersistence, VClusterHelmValues };

/** The workload repository the vcluster's own Argo CD follows (published as cluster annotations). */
export interface WorkloadRepo {
  /** Git URL. */
  readonly url: string;
  /** Prefix before `path` inside the repo. @default "" */
  readonly basePath?: string;
  /** Folder holding `<cluster_name>/` workload folders. @default "workloads" */
  readonly path?: string;
  /** Git revision. @default "main" */
  readonly revision?: string;
}

/** Pods of the host cluster, selected by namespace and labels (for network policy peers). */
export interface HostPodSelector {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** What the site's registration label/annotation conventions can use. */
export interface RegistrationContext {
  /** vcluster name `N`. */
  readonly name: string;
  /** Argo CD environment. */
  readonly environment: string;
  /** Site base domain. */
  readonly baseDomain: string;
  /** Base domain with dots replaced by dashes. */
  readonly baseDomainSanitized: string;
  /** The vcluster's workload repository, defaults applied. */
  readonly workloadRepo: Required<WorkloadRepo>;
}

/** Argo CD, as the site runs it. */
export interface PlatformArgoCd {
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** Git repository Argo CD reads `dist/` from (for the bootstrap Applications). */
  readonly repoURL: string;
  /** Git revision of that repository. @default "main" */
  readonly revision?: string;
  /** Path of the rendered output inside the repository. @default "dist" */
  readonly path?: string;
  /** Argo CD project of the bootstrap Applications. @default "default" */
  readonly bootstrapProject?: string;
  /**
   * Host clusters a vcluster may be placed on, by name → API server URL as registered in Argo CD.
   * @default { "in-cluster": "https://kubernetes.default.svc" }
   */
  readonly hostClusters?: Readonly<Record<string, string>>;
  /** Host cluster used when a declaration names none. @default "in-cluster" */
  readonly defaultHostCluster?: string;
}

/** The External Secrets store that reaches the password manager. */
export interface PlatformSecretStore {
  /** Store name. */
  readonly name: string;
  /** Store kind. @default "ClusterSecretStore" */
  readonly kind?: 'ClusterSecretStore' | 'SecretStore';
  /** Namespace the site's External Secrets controller runs in (it reaches the vcluster APIs to keep `vclusterSecret` there). @default "external-secrets" */
  readonly controllerNamespace?: string;
}

/**
 * A Secret the host's External Secrets keeps inside every vcluster, from an item of the password
 * manager (e.g. the 1Password Connect token of the External Secrets operator the host
 * ApplicationSets install in each vcluster). Written through the vcluster's own API: the host
 * grants the vcluster nothing (unlike the chart's `sync.fromHost.secrets`, which lets the control
 * plane list every Secret of the host).
 */
export interface PlatformVClusterSecret {
  /** Name of the Secret inside the vcluster. */
  readonly name: string;
  /** Namespace of the Secret inside the vcluster. @default "external-secrets" */
  readonly namespace?: string;
  /** Item of the password manager (read through `secretStore`). */
  readonly item: string;
  /** Keys of the Secret → properties (fields) of the item. */
  readonly data: Readonly<Record<string, string>>;
}

/** 1Password, the secret store's backend. */
export interface PlatformOnePassword {
  /** Vault the kubeconfig items live in. */
  readonly vault: string;
  /** 1Password Connect URL (Job strategy). */
  readonly connectHost: string;
  /** 1Password item holding the Connect token (fields `credential` and `vault`; Job strategy). @default "onepassword-access-token" */
  readonly tokenItem?: string;
}

/** The vcluster chart the site installs. */
export interface PlatformChart {
  /** Helm repository. @default "https://charts.loft.sh" */
  readonly repoURL?: string;
  /** Chart name. @default "vcluster" */
  readonly name?: string;
  /** Chart version used when a declaration pins none. @default "0.31.3" */
  readonly version?: string;
}

/**
 * Host selector labels the vcluster Pro integrations sync from. Only the Pro edition has these
 * integrations; with the OSS edition the section must stay empty.
 */
export interface PlatformIntegrations {
  /** Labels of the host ClusterIssuers a vcluster may use (Pro edition). @default - no ClusterIssuers are synced */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
  /** Labels of the host ClusterSecretStores a vcluster may use (Pro edition). @default - no ClusterSecretStores are synced */
  readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>>;
}

/** The vcluster the site runs. */
export interface PlatformVCluster {
  /**
   * The vcluster edition: `oss` (image `ghcr.io/loft-sh/vcluster-oss`, metrics-server
   * integration only) or `pro` (image `ghcr.io/loft-sh/vcluster-pro`, a license, the cert-manager
   * and External Secrets integrations). The library renders the edition's image; a control-plane
   * image repository in the site's `helmValues` must agree with it (a repository whose name does
   * not say the edition, such as a mirror, needs the edition set explicitly).
   * @default - the edition the site's control-plane image repository names, else "oss"
   */
  readonly edition?: VClusterEdition;
}

/** Argo CD cluster registration conventions of the site. */
export interface PlatformRegistration {
  /** Default workload repository of every vcluster. */
  readonly workloadRepo: WorkloadRepo;
  /** Default labels of every cluster Secret (declarations add and override). */
  readonly labels: (ctx: RegistrationContext) => Record<string, string>;
  /** Default annotations of every cluster Secret (declarations add and override). */
  readonly annotations: (ctx: RegistrationContext) => Record<string, string>;
  /**
   * Labels only the rendered Argo CD cluster Secret carries, on top of `labels` (which the host
   * ApplicationSets select on); declarations can still override them.
   * @default - none
   */
  readonly secretLabels?: (ctx: RegistrationContext) => Record<string, string>;
}

/** Host network facts used by the network policies and the etcd certificates. */
export interface PlatformNetwork {
  /** Whether the hosts run Cilium (adds the CiliumNetworkPolicies). @default false */
  readonly cilium?: boolean;
  /** Cluster domain of the host clusters (DNS suffix of the vclusters' Services on the host). @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Node-local DNS address the vcluster's CoreDNS forwards to (required with Cilium). @default - no host DNS policy */
  readonly hostDnsAddress?: string;
  /** CIDRs allowed to reach the vcluster API (besides the Argo CD namespace). */
  readonly apiClientCidrs: readonly string[];
  /** Namespace of the gateway fronting vcluster workloads. @default - no gateway ingress */
  readonly gatewayNamespace?: string;
  /** Namespace of the monitoring stack scraping the vcluster. @default - no monitoring ingress */
  readonly monitoringNamespace?: string;
  /** CIDR of the 1Password Connect server (egress on 443). @default - no 1Password egress */
  readonly onePasswordConnectCidr?: string;
  /** CIDR of the NFS servers (egress on 2049 when a vcluster enables NFS). @default - NFS cannot be enabled */
  readonly nfsCidr?: string;
  /** CIDRs excluded from the public egress rule. @default the RFC 1918 ranges */
  readonly privateCidrs?: readonly string[];
  /** Labels added to every network policy rendered for a vcluster (site conventions, e.g. a policy type label). @default {} */
  readonly policyLabels?: Readonly<Record<string, string>>;
  /** The host cluster DNS pods every vcluster pod may query on 53. @default - namespace "kube-system", pods `k8s-app: kube-dns` */
  readonly clusterDns?: HostPodSelector;
  /** The host metrics-server the vcluster's metrics proxy reaches on 10250. @default - namespace "kube-system", pods `app.kubernetes.io/name: metrics-server` */
  readonly metricsServer?: HostPodSelector;
  /** Without Cilium: CIDRs of the host API server endpoints (after DNAT) the syncer reaches. @default - any address, restricted by port only */
  readonly kubeApiCidrs?: readonly string[];
  /** Without Cilium: port of the host API server endpoints (after DNAT). @default 6443 */
  readonly kubeApiPort?: number;
}

/** LoadBalancer exposure defaults. */
export interface PlatformLoadBalancer {
  /** Offset of a derived VIP from the subnet's network address. @default 200 */
  readonly vipOffset?: number;
}

/** Container images of the Jobs the project renders; pin them by tag or digest. */
export interface PlatformImages {
  /**
   * Image with `kubectl` and a POSIX shell with `date`, `find` and `mv` (the volume cleanup hook,
   * the stamp-and-prune step of the etcd snapshots).
   * @default "docker.io/alpine/k8s:1.34.3"
   */
  readonly kubectl?: string;
  /** Image with `sh`, `curl` and `jq` (kubeconfig sync Job). @default "docker.io/alpine/k8s:1.34.3" */
  readonly curlJq?: string;
}

/** The site's configuration, as declared. */
export interface PlatformConfig {
  /** Base domain; a vcluster's API hostname defaults to `<name>.<baseDomain>`. */
  readonly baseDomain: string;
  /** Argo CD. */
  readonly argocd: PlatformArgoCd;
  /** The External Secrets store that reaches the password manager. */
  readonly secretStore: PlatformSecretStore;
  /** 1Password (the secret store's backend). */
  readonly onePassword: PlatformOnePassword;
  /** A Secret kept inside every vcluster from the password manager. @default - none */
  readonly vclusterSecret?: PlatformVClusterSecret;
  /** vcluster chart defaults. @default - charts.loft.sh, `vcluster`, 0.31.3 */
  readonly chart?: PlatformChart;
  /** Kubernetes version used when a declaration names none. @default "1.34" */
  readonly kubernetesVersion?: string;
  /**
   * What each host cluster (`argocd.hostClusters`) runs: its Kubernetes version and the API
   * versions its CRDs serve. Synth writes them onto each vcluster's Application (annotations
   * `vcluster-fleet/host-kubernetes-version`, `vcluster-fleet/host-api-versions`); `npm run verify`
   * renders the chart for that host and checks every object against it.
   * @default - every host cluster: Kubernetes 1.30.0 serving the CRDs the fleet uses (DEFAULT_HOST_API_VERSIONS)
   */
  readonly hosts?: Readonly<Record<string, HostClusterFacts>>;
  /**
   * Site presets beside the built-in `dev` and `prod`, by name (a DNS label other than those two):
   * each extends a built-in preset and sets some of its sizing, persistence, isolation, deletion
   * policy, environment, chart version and Kubernetes version. A declaration picks one with
   * `preset: '<name>'`; its own fields still win.
   * @default {} - only the built-in presets
   */
  readonly presets?: Readonly<Record<string, SitePreset>>;
  /** The vcluster the site runs (its edition). @default - the edition of the site's image repository, else "oss" */
  readonly vcluster?: PlatformVCluster;
  /** Host selector labels the vcluster Pro integrations sync from. @default - none (the OSS edition has no such integration) */
  readonly integrations?: PlatformIntegrations;
  /** Argo CD cluster registration conventions of the site. */
  readonly registration: PlatformRegistration;
  /** Host network facts used by the network policies. */
  readonly network: PlatformNetwork;
  /** LoadBalancer exposure defaults. @default { vipOffset: 200 } */
  readonly loadBalancer?: PlatformLoadBalancer;
  /** The Gateway API Gateway the `gateway` exposure attaches routes to. @default - declarations must name their gateway */
  readonly gateway?: GatewayRef;
  /** Container images of the Jobs the project renders; pin them by tag or digest. @default - both "docker.io/alpine/k8s:1.34.3" */
  readonly images?: PlatformImages;
  /** Labels of every vcluster host namespace (host network policies select on them). @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Labels of every vcluster's Argo CD AppProject (e.g. a project group the site's RBAC or UI selects on). @default {} */
  readonly projectLabels?: Readonly<Record<string, string>>;
  /** Alerting rules of the fleet. @default - rendered, runbooks in this repository's README (GitHub) */
  readonly monitoring?: MonitoringSettings;
  /** Backups: nightly etcd snapshots of retained vclusters. @default - none */
  readonly backups?: BackupSettings;
  /**
   * Helm values every vcluster of the site gets, before its own settings (site conventions such as
   * priority classes, sync toggles, telemetry).
   * @default {}
   */
  readonly helmValues?: VClusterHelmValues;
  /**
   * Exceptions to the Helm values guard for the site's `helmValues`, each `{ rule, path, reason }`
   * (shown in INVENTORY.md; one that waives nothing in the site's values is an error). A site
   * exception holds for a vcluster while its values at that path are still the site's.
   * @default [] - every rule of the guard applies to the site's values
   */
  readonly exceptions?: readonly GuardException[];
  /**
   * Host namespaces no vcluster may use, besides Kubernetes' own (`default`, `kube-*`) and the
   * namespaces this configuration names (Argo CD, gateway, monitoring, DNS, metrics-server). An
   * entry may start or end with `*` (`*-system`, `openshift-*`). Replaces the default list.
   * @default DEFAULT_RESERVED_NAMESPACES - namespaces of common operators: Argo CD, cert-manager, External Secrets, monitoring, ingress, storage, service meshes, `*-system`
   */
  readonly reservedNamespaces?: readonly string[];
}

/**
 * Namespaces of the operators a host cluster commonly runs, reserved unless the site names its
 * own list (`reservedNamespaces`): a vcluster there would get `default-deny-all` and a quota.
 */
export const DEFAULT_RESERVED_NAMESPACES: readonly string[] = [
  '*-system',
  'argocd',
  'argo-cd',
  'cert-manager',
  'external-secrets',
  'external-dns',
  'monitoring',
  'prometheus',
  'grafana',
  'loki',
  'observability',
  'logging',
  'ingress-nginx',
  'nginx-gateway',
  'envoy-gateway-system',
  'istio-system',
  'istio-ingress',
  'linkerd',
  'cilium',
  'cilium-secrets',
  'tigera-operator',
  'calico-apiserver',
  'metallb-system',
  'longhorn-system',
  'rook-ceph',
  'velero',
  'flux-system',
  'kyverno',
  'vault',
  'onepassword',
  'onepassword-connect',
  'local-path-storage',
  'nfs-provisioner',
  'kubernetes-dashboard',
  'operators',
  'olm',
  'vcluster-platform',
  'loft',
  'openshift-*',
];

/** The site configuration with every default applied (deeply frozen: nothing can rewrite it). */
export interface Platform {
  readonly baseDomain: string;
  readonly baseDomainSanitized: string;
  readonly argocd: Required<PlatformArgoCd>;
  readonly secretStore: Required<PlatformSecretStore>;
  readonly onePassword: Required<PlatformOnePassword>;
  readonly vclusterSecret?: Required<PlatformVClusterSecret>;
  readonly chart: Required<PlatformChart>;
  readonly kubernetesVersion: string;
  /** What every host cluster of `argocd.hostClusters` runs (declared, else the defaults). */
  readonly hosts: Readonly<Record<string, Required<HostClusterFacts>>>;
  /** The site presets, each with what it omits taken from the built-in preset it extends (the built-in ones are not listed). */
  readonly presets: Readonly<Record<string, ResolvedPreset>>;
  readonly vcluster: Required<PlatformVCluster>;
  readonly integrations: PlatformIntegrations;
  readonly registration: PlatformRegistration & { readonly workloadRepo: Required<WorkloadRepo> };
  readonly network: PlatformNetwork & {
    readonly cilium: boolean;
    readonly clusterDomain: string;
    readonly privateCidrs: readonly string[];
  };
  readonly loadBalancer: Required<PlatformLoadBalancer>;
  readonly gateway?: GatewayRef;
  readonly images: Required<PlatformImages>;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly projectLabels: Readonly<Record<string, string>>;
  readonly monitoring: ResolvedMonitoring;
  readonly backups: { readonly etcd?: ResolvedEtcdSnapshotSettings };
  readonly helmValues: VClusterHelmValues;
  readonly exceptions: readonly GuardException[];
  readonly reservedNamespaces: readonly string[];
}

/** In-cluster API server URL as Argo CD names it. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Validates a site configuration and applies its defaults. The result is deeply frozen, so no
 * declaration can change the site for the others.
 * @throws ValidationError naming every invalid field
 */
export function definePlatform(config: PlatformConfig): Platform {
  const p = new Problems('platform');
  // Before anything reads into it: plain data only (the registration conventions are functions).
  checkPlainData(p, '', config, { functionAt: (path) => /^registration\.(labels|annotations|secretLabels)$/.test(path) });
  p.throwIfAny('platform configuration');
  checkPlatformSections(p, config);
  checkPlatformArgoCd(p, config.argocd, config.hosts);
  checkPlatformNetwork(p, config.network);
  checkPlatformFields(p, config);
  const edition = checkPlatformEdition(p, config);
  p.throwIfAny('platform configuration');
  return deepFreeze(resolvePlatform(config, edition));
}

/**
 * The site's edition (declared, else named by its image repository, else OSS), and the Pro
 * integrations' selector labels only with the Pro edition.
 */
function checkPlatformEdition(p: Problems, config: PlatformConfig): VClusterEdition {
  const edition = resolveEdition(p, config.vcluster?.edition, config.helmValues);
  if (edition !== 'oss') return edition;
  for (const key of ['clusterIssuerSelectorLabels', 'clusterStoreSelectorLabels'] as const) {
    const labels = config.integrations?.[key];
    // An empty map selects nothing and asks for nothing.
    if (labels === undefined || (isPlainObject(labels) && !Object.keys(labels).length)) continue;
    p.add(
      `integrations.${key}`,
      labels,
      'no selector labels with the oss edition: the cert-manager and External Secrets integrations are vcluster Pro features, and the OSS image accepts their values and does nothing',
      'remove them (the host ApplicationSets install cert-manager and External Secrets inside each vcluster instead), or set vcluster.edition: "pro" with the Pro image',
    );
  }
  return edition;
}

/** Applies the defaults of a checked configuration. */
function resolvePlatform(config: PlatformConfig, edition: VClusterEdition): Platform {
  const a = config.argocd;
  const repo = config.registration.workloadRepo;
  return {
    baseDomain: config.baseDomain,
    baseDomainSanitized: config.baseDomain.replace(/\./g, '-'),
    argocd: {
      namespace: a.namespace ?? 'argocd',
      repoURL: a.repoURL,
      revision: a.revision ?? 'main',
      path: a.path ?? 'dist',
      bootstrapProject: a.bootstrapProject ?? 'default',
      hostClusters: a.hostClusters ?? { 'in-cluster': IN_CLUSTER_SERVER },
      defaultHostCluster: a.defaultHostCluster ?? 'in-cluster',
    },
    secretStore: {
      name: config.secretStore.name,
      kind: config.secretStore.kind ?? 'ClusterSecretStore',
      controllerNamespace: config.secretStore.controllerNamespace ?? 'external-secrets',
    },
    vclusterSecret: config.vclusterSecret && {
      namespace: 'external-secrets',
      ...config.vclusterSecret,
      data: { ...config.vclusterSecret.data },
    },
    onePassword: {
      vault: config.onePassword.vault,
      connectHost: config.onePassword.connectHost,
      tokenItem: config.onePassword.tokenItem ?? 'onepassword-access-token',
    },
    chart: {
      repoURL: config.chart?.repoURL ?? DEFAULT_CHART.repoURL,
      name: config.chart?.name ?? DEFAULT_CHART.name,
      version: config.chart?.version ?? DEFAULT_CHART.version,
    },
    kubernetesVersion: config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    hosts: resolveHosts(config.hosts, a.hostClusters ?? { 'in-cluster': IN_CLUSTER_SERVER }),
    presets: resolveSitePresets(config.presets),
    vcluster: { edition },
    integrations: config.integrations ?? {},
    registration: {
      ...config.registration,
      workloadRepo: { url: repo.url, basePath: repo.basePath ?? '', path: repo.path ?? 'workloads', revision: repo.revision ?? 'main' },
    },
    network: {
      ...config.network,
      cilium: config.network.cilium ?? false,
      clusterDomain: config.network.clusterDomain ?? 'cluster.local',
      privateCidrs: config.network.privateCidrs ?? RFC1918,
    },
    loadBalancer: { vipOffset: config.loadBalancer?.vipOffset ?? 200 },
    gateway: config.gateway,
    images: {
      kubectl: config.images?.kubectl ?? DEFAULT_TOOLING_IMAGE,
      curlJq: config.images?.curlJq ?? DEFAULT_TOOLING_IMAGE,
    },
    namespaceLabels: config.namespaceLabels ?? {},
    projectLabels: config.projectLabels ?? {},
    monitoring: resolveMonitoring(config.monitoring, { repoURL: a.repoURL, revision: a.revision ?? 'main' }),
    backups: config.backups?.etcd ? { etcd: resolveEtcdSnapshotSettings(config.backups.etcd) } : {},
    helmValues: config.helmValues ?? {},
    exceptions: config.exceptions ?? [],
    reservedNamespaces: config.reservedNamespaces ?? DEFAULT_RESERVED_NAMESPACES,
  };
}

/** The private IPv4 ranges (RFC 1918). */
export const RFC1918: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** Keys of a {@link PlatformConfig} and of its sections whose shape is settled. */
const PLATFORM_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': keysOf<PlatformConfig>({
    baseDomain: true,
    argocd: true,
    secretStore: true,
    onePassword: true,
    vclusterSecret: true,
    chart: true,
    kubernetesVersion: true,
    hosts: true,
    presets: true,
    vcluster: true,
    integrations: true,
    registration: true,
    network: true,
    loadBalancer: true,
    gateway: true,
    images: true,
    namespaceLabels: true,
    projectLabels: true,
    monitoring: true,
    backups: true,
    helmValues: true,
    exceptions: true,
    reservedNamespaces: true,
  }),
  argocd: keysOf<PlatformArgoCd>({
    namespace: true,
    repoURL: true,
    revision: true,
    path: true,
    bootstrapProject: true,
    hostClusters: true,
    defaultHostCluster: true,
  }),
  secretStore: keysOf<PlatformSecretStore>({ name: true, kind: true, controllerNamespace: true }),
  vclusterSecret: keysOf<PlatformVClusterSecret>({ name: true, namespace: true, item: true, data: true }),
  onePassword: keysOf<PlatformOnePassword>({ vault: true, connectHost: true, tokenItem: true }),
  chart: keysOf<PlatformChart>({ repoURL: true, name: true, version: true }),
  vcluster: keysOf<PlatformVCluster>({ edition: true }),
  integrations: keysOf<PlatformIntegrations>({ clusterIssuerSelectorLabels: true, clusterStoreSelectorLabels: true }),
  loadBalancer: keysOf<PlatformLoadBalancer>({ vipOffset: true }),
  gateway: keysOf<GatewayRef>({ name: true, namespace: true, sectionName: true }),
  images: keysOf<PlatformImages>({ kubectl: true, curlJq: true }),
};

/**
 * Refuses a configuration missing a required section (before anything reads into it) and reports
 * unknown keys of the settled sections. Throws at once when a required section is missing.
 */
function checkPlatformSections(p: Problems, config: PlatformConfig): void {
  if (!isPlainObject(config)) {
    p.add('(configuration)', config, 'an object passed to definePlatform({...})');
    p.throwIfAny('platform configuration');
  }
  const c = config as unknown as Record<string, unknown>;
  for (const section of ['argocd', 'secretStore', 'onePassword', 'registration', 'network']) {
    if (!isPlainObject(c[section])) p.add(section, c[section], `the ${section} section (an object); see PlatformConfig`);
  }
  for (const section of ['chart', 'loadBalancer', 'gateway', 'images', 'vcluster', 'integrations', 'vclusterSecret']) {
    if (c[section] !== undefined && !isPlainObject(c[section]))
      p.add(section, c[section], `an object (the ${section} section), or nothing`);
  }
  p.throwIfAny('platform configuration');
  for (const [section, keys] of Object.entries(PLATFORM_KEYS)) {
    checkKnownKeys(p, section, section ? c[section] : c, keys);
  }
}

/** The Argo CD section: host clusters (and what they run), the default one, the repository and path of dist/. */
function checkPlatformArgoCd(p: Problems, a: PlatformArgoCd, hosts: unknown): void {
  const hostClusters = a.hostClusters ?? { 'in-cluster': IN_CLUSTER_SERVER };
  const defaultHostCluster = a.defaultHostCluster ?? 'in-cluster';
  if (!hostClusters[defaultHostCluster]) {
    p.add('argocd.defaultHostCluster', defaultHostCluster, `one of the hostClusters: ${Object.keys(hostClusters).join(', ')}`);
  }
  for (const [name, url] of Object.entries(hostClusters)) {
    p.dnsLabel(`argocd.hostClusters[${JSON.stringify(name)}]`, name);
    p.httpsUrl(`argocd.hostClusters[${JSON.stringify(name)}]`, url);
  }
  checkHosts(p, hosts, hostClusters);
  if (a.namespace !== undefined) p.dnsLabel('argocd.namespace', a.namespace);
  if (typeof a.repoURL !== 'string' || !/^(https:\/\/\S+|ssh:\/\/\S+|git@[^\s:]+:\S+)$/.test(a.repoURL)) {
    p.add('argocd.repoURL', a.repoURL, 'the git URL Argo CD reads dist/ from: https://…, ssh://… or git@host:path');
  }
  if (a.revision !== undefined) p.text('argocd.revision', a.revision);
  if (
    a.path !== undefined &&
    (typeof a.path !== 'string' ||
      !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/.test(a.path) ||
      a.path.split('/').some((s) => s === '..' || s === '.'))
  ) {
    p.add('argocd.path', a.path, 'a relative folder inside the repository such as "dist" (no leading "/", no "..")');
  }
  if (a.bootstrapProject !== undefined) p.dnsLabel('argocd.bootstrapProject', a.bootstrapProject);
}

/** The network section: addresses, namespaces and pod selectors of the host. */
function checkPlatformNetwork(p: Problems, n: PlatformNetwork): void {
  n.apiClientCidrs.forEach((c, i) => p.cidr4(`network.apiClientCidrs[${i}]`, c));
  (n.privateCidrs ?? RFC1918).forEach((c, i) => p.cidr4(`network.privateCidrs[${i}]`, c));
  if (n.onePasswordConnectCidr !== undefined) p.cidr4('network.onePasswordConnectCidr', n.onePasswordConnectCidr);
  if (n.nfsCidr !== undefined) p.cidr4('network.nfsCidr', n.nfsCidr);
  if (n.hostDnsAddress !== undefined) p.ipv4('network.hostDnsAddress', n.hostDnsAddress);
  if (n.clusterDomain !== undefined) p.dnsSubdomain('network.clusterDomain', n.clusterDomain);
  p.labels('network.policyLabels', n.policyLabels);
  for (const key of ['clusterDns', 'metricsServer'] as const) {
    const sel = n[key];
    if (sel !== undefined) {
      p.dnsLabel(`network.${key}.namespace`, sel.namespace);
      p.labels(`network.${key}.podLabels`, sel.podLabels);
    }
  }
  n.kubeApiCidrs?.forEach((c, i) => p.cidr4(`network.kubeApiCidrs[${i}]`, c));
  if (n.kubeApiPort !== undefined) p.port('network.kubeApiPort', n.kubeApiPort);
  if (n.cilium && n.hostDnsAddress === undefined) {
    p.add('network.hostDnsAddress', undefined, 'the node-local DNS address when network.cilium is true');
  }
  for (const key of ['gatewayNamespace', 'monitoringNamespace'] as const) {
    if (n[key] !== undefined) p.dnsLabel(`network.${key}`, n[key]);
  }
}

/** The other fields: domain, store, 1Password, chart and versions, registration, gateway, images, Helm values. */
function checkPlatformFields(p: Problems, config: PlatformConfig): void {
  p.hostname('baseDomain', config.baseDomain);
  p.dnsSubdomain('secretStore.name', config.secretStore.name);
  if (config.secretStore.kind !== undefined) p.oneOf('secretStore.kind', config.secretStore.kind, ['ClusterSecretStore', 'SecretStore']);
  if (config.secretStore.controllerNamespace !== undefined)
    p.dnsLabel('secretStore.controllerNamespace', config.secretStore.controllerNamespace);
  if (config.vclusterSecret !== undefined) checkVClusterSecret(p, config.vclusterSecret);
  p.text('onePassword.vault', config.onePassword.vault);
  p.httpsUrl('onePassword.connectHost', config.onePassword.connectHost);
  if (config.onePassword.tokenItem !== undefined) p.text('onePassword.tokenItem', config.onePassword.tokenItem);
  if (config.chart?.repoURL !== undefined) p.httpsUrl('chart.repoURL', config.chart.repoURL);
  if (config.chart?.name !== undefined) p.dnsLabel('chart.name', config.chart.name);
  const version = config.chart?.version ?? DEFAULT_CHART.version;
  const line = chartLineOf(version);
  if (!line) p.add('chart.version', version, `an exact supported chart version: ${chartVersionsAllowed()}`);
  const kubernetesVersion = config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  if (!resolveKubernetesVersion(kubernetesVersion, line)) p.add('kubernetesVersion', kubernetesVersion, kubernetesVersionsAllowed(line));
  checkSitePresets(p, config.presets, { chartVersion: version, kubernetesVersion });
  p.labels('integrations.clusterIssuerSelectorLabels', config.integrations?.clusterIssuerSelectorLabels);
  p.labels('integrations.clusterStoreSelectorLabels', config.integrations?.clusterStoreSelectorLabels);
  checkPlatformRegistration(p, config.registration);
  p.integer('loadBalancer.vipOffset', config.loadBalancer?.vipOffset ?? 200, 1, 65534);
  if (config.gateway) {
    p.dnsLabel('gateway.name', config.gateway.name);
    p.dnsLabel('gateway.namespace', config.gateway.namespace);
    if (config.gateway.sectionName !== undefined) p.dnsLabel('gateway.sectionName', config.gateway.sectionName);
  }
  for (const [key, image] of Object.entries(config.images ?? {})) p.pinnedImage(`images.${key}`, image);
  p.labels('namespaceLabels', config.namespaceLabels);
  p.labels('projectLabels', config.projectLabels);
  checkMonitoring(p, config.monitoring, config.argocd);
  checkBackups(p, config.backups);
  checkNoPodSecurityLabels(p, 'namespaceLabels', config.namespaceLabels);
  checkReservedNamespaces(p, config.reservedNamespaces);
  checkSiteHelmValues(p, config, line, version);
}

/** The site's Helm values: the chart schema, Kubernetes' limits, and the guard with the site's exceptions. */
function checkSiteHelmValues(p: Problems, config: PlatformConfig, line: ChartLine | undefined, version: string): void {
  const exceptionsOk = checkGuardExceptions(p, 'exceptions', config.exceptions);
  if (config.helmValues !== undefined && !isPlainObject(config.helmValues)) {
    p.add('helmValues', config.helmValues, 'a map of Helm values');
    return;
  }
  const values = config.helmValues ?? {};
  if (line) checkHelmValues(p, 'helmValues', values, line, version);
  checkBackingStoreEtcdArgs(p, 'helmValues.controlPlane.backingStore', valueAtPath(values, ['controlPlane', 'backingStore']));
  checkValueLimits(p, 'helmValues', values);
  if (exceptionsOk) {
    checkHelmValueGuard(p, 'helmValues', values, {
      exceptions: config.exceptions,
      exceptionsField: 'exceptions',
      exceptionHome: 'the platform exceptions',
    });
  }
}

/** The reserved namespaces: DNS labels, each with at most a leading or trailing `*`. */
function checkReservedNamespaces(p: Problems, list: unknown): void {
  if (
    list === undefined ||
    !p.array('reservedNamespaces', list, 'a list of namespace names (a leading or trailing "*" matches any prefix or suffix)')
  ) {
    return;
  }
  list.forEach((n: unknown, i) => {
    if (typeof n !== 'string' || n.length > 63 || !/^(\*[-a-z0-9]+|[a-z0-9][-a-z0-9]*\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.test(n)) {
      p.add(`reservedNamespaces[${i}]`, n, 'a namespace name such as "cert-manager", or a pattern such as "*-system" or "openshift-*"');
    }
  });
}

/** True when `namespace` is one of the reserved names or matches one of their patterns. */
export function isReservedNamespace(namespace: string, reserved: readonly string[]): string | undefined {
  return reserved.find((r) =>
    r.startsWith('*') ? namespace.endsWith(r.slice(1)) : r.endsWith('*') ? namespace.startsWith(r.slice(0, -1)) : namespace === r,
  );
}

/** The Secret kept inside every vcluster: names, the item, and the keys it maps to item properties. */
function checkVClusterSecret(p: Problems, s: PlatformVClusterSecret): void {
  p.dnsSubdomain('vclusterSecret.name', s.name);
  if (s.namespace !== undefined) p.dnsLabel('vclusterSecret.namespace', s.namespace);
  p.text('vclusterSecret.item', s.item);
  if (!p.object('vclusterSecret.data', s.data, 'a map of Secret keys to item properties, e.g. { token: "credential" }')) return;
  if (!Object.keys(s.data).length) p.add('vclusterSecret.data', s.data, 'at least one key');
  for (const [key, property] of Object.entries(s.data)) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key))
      p.add(`vclusterSecret.data[${JSON.stringify(key)}]`, key, 'a Secret key: letters, digits, "-", "_" and "."');
    p.text(`vclusterSecret.data[${JSON.stringify(key)}]`, property);
  }
}

/** The registration conventions: a workload repository and functions for labels and annotations. */
function checkPlatformRegistration(p: Problems, r: PlatformRegistration): void {
  if (!isPlainObject(r.workloadRepo)) p.add('registration.workloadRepo', r.workloadRepo, 'an object with url, basePath, path and revision');
  else p.httpsUrl('registration.workloadRepo.url', r.workloadRepo.url);
  for (const key of ['labels', 'annotations'] as const) {
    if (typeof r[key] !== 'function')
      p.add(
        `registration.${key}`,
        r[key],
        'a function of the registration context returning a map, e.g. (c) => ({ environment: c.environment })',
      );
  }
}
