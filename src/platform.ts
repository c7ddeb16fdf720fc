/**
 * Site configuration: everything that differs between organisations, declared once per repository
 * (in this repository: `vclusters/platform.ts`) and never hard-coded in the library.
 */
import type { Values0_31 } from '../imports/vcluster-values-0.31';
import {
  DEFAULT_KUBERNETES_VERSION,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from './presets';
import { Problems, checkKnownKeys, isPlainObject } from './validation';
import { checkHelmValues } from './vcluster/helm-values';

/** Helm values of the vcluster chart, as a deep-partial override (the 0.31 line's keys). */
export type VClusterHelmValues = Values0_31;

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

/** The site's configuration, as declared. */
export interface PlatformConfig {
  /** Base domain; a vcluster's API hostname defaults to `<name>.<baseDomain>`. */
  readonly baseDomain: string;
  /** Argo CD. */
  readonly argocd: {
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
  };
  /** The External Secrets store that reaches the password manager. */
  readonly secretStore: {
    /** Store name. */
    readonly name: string;
    /** Store kind. @default "ClusterSecretStore" */
    readonly kind?: 'ClusterSecretStore' | 'SecretStore';
  };
  /** 1Password (the secret store's backend). */
  readonly onePassword: {
    /** Vault the kubeconfig items live in. */
    readonly vault: string;
    /** 1Password Connect URL (Job strategy). */
    readonly connectHost: string;
    /** 1Password item holding the Connect token (fields `credential` and `vault`; Job strategy). @default "onepassword-access-token" */
    readonly tokenItem?: string;
  };
  /** vcluster chart defaults. @default - charts.loft.sh, `vcluster`, 0.31.3 */
  readonly chart?: {
    /** Helm repository. @default "https://charts.loft.sh" */
    readonly repoURL?: string;
    /** Chart name. @default "vcluster" */
    readonly name?: string;
    /** Chart version used when a declaration pins none. @default "0.31.3" */
    readonly version?: string;
  };
  /** Kubernetes version used when a declaration names none. @default "1.34" */
  readonly kubernetesVersion?: string;
  /** Host selector labels the vcluster integrations sync from. */
  readonly integrations: {
    /** Labels of the host ClusterIssuers a vcluster may use. */
    readonly clusterIssuerSelectorLabels: Readonly<Record<string, string>>;
    /** Labels of the host ClusterSecretStores a vcluster may use. */
    readonly clusterStoreSelectorLabels: Readonly<Record<string, string>>;
  };
  /** Argo CD cluster registration conventions of the site. */
  readonly registration: {
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
  };
  /** Host network facts used by the network policies. */
  readonly network: {
    /** Whether the hosts run Cilium (adds the CiliumNetworkPolicies). @default false */
    readonly cilium?: boolean;
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
  };
  /** LoadBalancer exposure defaults. @default { vipOffset: 200 } */
  readonly loadBalancer?: {
    /** Offset of a derived VIP from the subnet's network address. @default 200 */
    readonly vipOffset?: number;
  };
  /** The Gateway API Gateway the `gateway` exposure attaches routes to. @default - declarations must name their gateway */
  readonly gateway?: {
    /** Gateway name. */
    readonly name: string;
    /** Gateway namespace. */
    readonly namespace: string;
    /** Listener (TLS passthrough on 443) to attach to. @default - any listener that accepts the route */
    readonly sectionName?: string;
  };
  /** Container images of the Jobs the project renders; pin them by tag or digest. @default - both "docker.io/alpine/k8s:1.34.3" */
  readonly images?: {
    /** Image with `kubectl` and a POSIX shell (etcd PKI merge Job). @default "docker.io/alpine/k8s:1.34.3" */
    readonly kubectl?: string;
    /** Image with `sh`, `curl` and `jq` (kubeconfig sync Job). @default "docker.io/alpine/k8s:1.34.3" */
    readonly curlJq?: string;
  };
  /** Labels of every vcluster host namespace (host network policies select on them). @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /**
   * Helm values every vcluster of the site gets, before its own settings (site conventions such as
   * priority classes, sync toggles, telemetry).
   * @default {}
   */
  readonly helmValues?: VClusterHelmValues;
}

/** The site configuration with every default applied. */
export interface Platform {
  readonly baseDomain: string;
  readonly baseDomainSanitized: string;
  readonly argocd: {
    readonly namespace: string;
    readonly repoURL: string;
    readonly revision: string;
    readonly path: string;
    readonly bootstrapProject: string;
    readonly hostClusters: Readonly<Record<string, string>>;
    readonly defaultHostCluster: string;
  };
  readonly secretStore: { readonly name: string; readonly kind: 'ClusterSecretStore' | 'SecretStore' };
  readonly onePassword: { readonly vault: string; readonly connectHost: string; readonly tokenItem: string };
  readonly chart: { readonly repoURL: string; readonly name: string; readonly version: string };
  readonly kubernetesVersion: string;
  readonly integrations: PlatformConfig['integrations'];
  readonly registration: PlatformConfig['registration'] & { readonly workloadRepo: Required<WorkloadRepo> };
  readonly network: {
    readonly cilium: boolean;
    readonly hostDnsAddress?: string;
    readonly apiClientCidrs: readonly string[];
    readonly gatewayNamespace?: string;
    readonly monitoringNamespace?: string;
    readonly onePasswordConnectCidr?: string;
    readonly nfsCidr?: string;
    readonly privateCidrs: readonly string[];
    readonly policyLabels?: Readonly<Record<string, string>>;
    readonly clusterDns?: HostPodSelector;
    readonly metricsServer?: HostPodSelector;
    readonly kubeApiCidrs?: readonly string[];
    readonly kubeApiPort?: number;
  };
  readonly loadBalancer: { readonly vipOffset: number };
  readonly gateway?: PlatformConfig['gateway'];
  readonly images: { readonly kubectl: string; readonly curlJq: string };
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly helmValues: VClusterHelmValues;
}

/** In-cluster API server URL as Argo CD names it. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * Validates a site configuration and applies its defaults.
 * @throws ValidationError naming every invalid field
 */
export function definePlatform(config: PlatformConfig): Platform {
  const p = new Problems('platform');
  checkPlatformSections(p, config);
  p.hostname('baseDomain', config.baseDomain);
  const hostClusters = config.argocd.hostClusters ?? { 'in-cluster': IN_CLUSTER_SERVER };
  const defaultHostCluster = config.argocd.defaultHostCluster ?? 'in-cluster';
  if (!hostClusters[defaultHostCluster]) {
    p.add('argocd.defaultHostCluster', defaultHostCluster, `one of the hostClusters: ${Object.keys(hostClusters).join(', ')}`);
  }
  for (const [name, url] of Object.entries(hostClusters)) {
    p.dnsLabel(`argocd.hostClusters[${JSON.stringify(name)}]`, name);
    p.httpsUrl(`argocd.hostClusters[${JSON.stringify(name)}]`, url);
  }
  p.httpsUrl('onePassword.connectHost', config.onePassword.connectHost);
  const chart = {
    repoURL: config.chart?.repoURL ?? 'https://charts.loft.sh',
    name: config.chart?.name ?? 'vcluster',
    version: config.chart?.version ?? '0.31.3',
  };
  if (!chartLineOf(chart.version)) p.add('chart.version', chart.version, `an exact supported chart version: ${chartVersionsAllowed()}`);
  const kubernetesVersion = config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  if (!resolveKubernetesVersion(kubernetesVersion)) p.add('kubernetesVersion', kubernetesVersion, kubernetesVersionsAllowed());
  p.labels('integrations.clusterIssuerSelectorLabels', config.integrations.clusterIssuerSelectorLabels);
  p.labels('integrations.clusterStoreSelectorLabels', config.integrations.clusterStoreSelectorLabels);
  const privateCidrs = config.network.privateCidrs ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
  config.network.apiClientCidrs.forEach((c, i) => p.cidr4(`network.apiClientCidrs[${i}]`, c));
  privateCidrs.forEach((c, i) => p.cidr4(`network.privateCidrs[${i}]`, c));
  if (config.network.onePasswordConnectCidr !== undefined) p.cidr4('network.onePasswordConnectCidr', config.network.onePasswordConnectCidr);
  if (config.network.nfsCidr !== undefined) p.cidr4('network.nfsCidr', config.network.nfsCidr);
  if (config.network.hostDnsAddress !== undefined) p.ipv4('network.hostDnsAddress', config.network.hostDnsAddress);
  p.labels('network.policyLabels', config.network.policyLabels);
  for (const key of ['clusterDns', 'metricsServer'] as const) {
    const sel = config.network[key];
    if (sel !== undefined) {
      p.dnsLabel(`network.${key}.namespace`, sel.namespace);
      p.labels(`network.${key}.podLabels`, sel.podLabels);
    }
  }
  config.network.kubeApiCidrs?.forEach((c, i) => p.cidr4(`network.kubeApiCidrs[${i}]`, c));
  if (config.network.kubeApiPort !== undefined) p.port('network.kubeApiPort', config.network.kubeApiPort);
  if (config.network.cilium && config.network.hostDnsAddress === undefined) {
    p.add('network.hostDnsAddress', undefined, 'the node-local DNS address when network.cilium is true');
  }
  const vipOffset = config.loadBalancer?.vipOffset ?? 200;
  p.integer('loadBalancer.vipOffset', vipOffset, 1, 65534);
  p.labels('namespaceLabels', config.namespaceLabels);
  if (config.helmValues !== undefined && !isPlainObject(config.helmValues)) p.add('helmValues', config.helmValues, 'a map of Helm values');
  checkPlatformFields(p, config);
  p.throwIfAny('platform configuration');
  return {
    baseDomain: config.baseDomain,
    baseDomainSanitized: config.baseDomain.replace(/\./g, '-'),
    argocd: {
      namespace: config.argocd.namespace ?? 'argocd',
      repoURL: config.argocd.repoURL,
      revision: config.argocd.revision ?? 'main',
      path: config.argocd.path ?? 'dist',
      bootstrapProject: config.argocd.bootstrapProject ?? 'default',
      hostClusters,
      defaultHostCluster,
    },
    secretStore: { name: config.secretStore.name, kind: config.secretStore.kind ?? 'ClusterSecretStore' },
    onePassword: {
      vault: config.onePassword.vault,
      connectHost: config.onePassword.connectHost,
      tokenItem: config.onePassword.tokenItem ?? 'onepassword-access-token',
    },
    chart,
    kubernetesVersion,
    integrations: config.integrations,
    registration: {
      ...config.registration,
      workloadRepo: {
        url: config.registration.workloadRepo.url,
        basePath: config.registration.workloadRepo.basePath ?? '',
        path: config.registration.workloadRepo.path ?? 'workloads',
        revision: config.registration.workloadRepo.revision ?? 'main',
      },
    },
    network: { ...config.network, cilium: config.network.cilium ?? false, privateCidrs },
    loadBalancer: { vipOffset },
    gateway: config.gateway,
    images: {
      kubectl: config.images?.kubectl ?? 'docker.io/alpine/k8s:1.34.3',
      curlJq: config.images?.curlJq ?? 'docker.io/alpine/k8s:1.34.3',
    },
    namespaceLabels: config.namespaceLabels ?? {},
    helmValues: config.helmValues ?? {},
  };
}

/** Top-level keys of a {@link PlatformConfig}, and of its sections whose shape is settled. */
const PLATFORM_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [
    'baseDomain',
    'argocd',
    'secretStore',
    'onePassword',
    'chart',
    'kubernetesVersion',
    'integrations',
    'registration',
    'network',
    'loadBalancer',
    'gateway',
    'images',
    'namespaceLabels',
    'helmValues',
  ],
  argocd: ['namespace', 'repoURL', 'revision', 'path', 'bootstrapProject', 'hostClusters', 'defaultHostCluster'],
  secretStore: ['name', 'kind'],
  onePassword: ['vault', 'connectHost', 'tokenItem'],
  chart: ['repoURL', 'name', 'version'],
  integrations: ['clusterIssuerSelectorLabels', 'clusterStoreSelectorLabels'],
  loadBalancer: ['vipOffset'],
  gateway: ['name', 'namespace', 'sectionName'],
  images: ['kubectl', 'curlJq'],
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
  for (const section of ['argocd', 'secretStore', 'onePassword', 'integrations', 'registration', 'network']) {
    if (!isPlainObject(c[section])) p.add(section, c[section], `the ${section} section (an object); see PlatformConfig`);
  }
  for (const section of ['chart', 'loadBalancer', 'gateway', 'images']) {
    if (c[section] !== undefined && !isPlainObject(c[section]))
      p.add(section, c[section], `an object (the ${section} section), or nothing`);
  }
  p.throwIfAny('platform configuration');
  for (const [section, keys] of Object.entries(PLATFORM_KEYS)) {
    checkKnownKeys(p, section, section ? c[section] : c, keys);
  }
}

/** The platform fields {@link definePlatform} does not check inline. */
function checkPlatformFields(p: Problems, config: PlatformConfig): void {
  const a = config.argocd;
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
  p.dnsSubdomain('secretStore.name', config.secretStore.name);
  if (config.secretStore.kind !== undefined) p.oneOf('secretStore.kind', config.secretStore.kind, ['ClusterSecretStore', 'SecretStore']);
  p.text('onePassword.vault', config.onePassword.vault);
  if (config.onePassword.tokenItem !== undefined) p.text('onePassword.tokenItem', config.onePassword.tokenItem);
  if (config.chart?.repoURL !== undefined) p.httpsUrl('chart.repoURL', config.chart.repoURL);
  if (config.chart?.name !== undefined) p.dnsLabel('chart.name', config.chart.name);
  const r = config.registration;
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
  for (const key of ['gatewayNamespace', 'monitoringNamespace'] as const) {
    if (config.network[key] !== undefined) p.dnsLabel(`network.${key}`, config.network[key]);
  }
  if (config.gateway) {
    p.dnsLabel('gateway.name', config.gateway.name);
    p.dnsLabel('gateway.namespace', config.gateway.namespace);
    if (config.gateway.sectionName !== undefined) p.dnsLabel('gateway.sectionName', config.gateway.sectionName);
  }
  for (const [key, image] of Object.entries(config.images ?? {})) {
    // Pinned images only: a tag other than "latest", or a digest.
    if (
      typeof image !== 'string' ||
      !/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9](:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})$/.test(image) ||
      /:latest$/.test(image)
    ) {
      p.add(`images.${key}`, image, 'a pinned image reference: registry/repository:tag (not "latest") or …@sha256:<digest>');
    }
  }
  const version = config.chart?.version ?? '0.31.3';
  const line = chartLineOf(version);
  if (line && isPlainObject(config.helmValues)) checkHelmValues(p, 'helmValues', config.helmValues, line, version);
}
