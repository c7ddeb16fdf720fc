/**
 * A declaration resolved once: every field checked (by the feature that owns it, plus the rules
 * that tie features together), every default applied, and the props of each construct computed.
 * The chart takes the result as it is; the fleet reads the same result for its fleet-wide rules.
 */
import type { ArgoRegistrationForVClusterProps } from '../argo-registration';
import { CoreDnsSettings, checkCoreDnsSettings } from '../coredns-patch';
import { Exposure, checkExposureOptions } from '../exposure/exposure';
import { ExposureDefaults, ExposureMode } from '../exposure/exposure-mode';
import type { NetworkIsolationProps } from '../isolation/network-isolation';
import { ISOLATION_MODES, IsolationMode, checkExtraEgress, checkStrictIsolation, layerStrictIsolation } from '../isolation/settings';
import type { StrictIsolationProps } from '../isolation/strict-isolation';
import type { KubeconfigSyncProps } from '../kubeconfig-sync';
import type { VClusterSecretSyncProps } from '../registration/vcluster-secret-sync';
import { NamingFeatures, VClusterNames } from '../naming';
import {
  DeletionPolicy,
  PRESETS,
  Preset,
  PresetChoice,
  chartLineOf,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from '../presets';
import { KUBECONFIG_SYNC_STRATEGIES, KubeconfigSyncStrategy, checkRegistrationInputs } from '../registration/settings';
import { Problems, checkPlainData, isPlainObject } from '../validation';
import type { VClusterProps } from '../vcluster';
import { checkApplication } from '../vcluster/application';
import { checkBackingStore, deployedEtcdMembers, effectiveBackingStore } from '../vcluster/backing-store';
import { STRICT_ISOLATION_RULES, checkGuardExceptions } from '../vcluster/exceptions';
import { checkIntegrations, checkIntegrationsForEdition } from '../vcluster/integrations';
import type { ApiEndpoint } from '../vcluster/ivcluster';
import { checkKubeconfigExport } from '../vcluster/kubeconfig-export';
import { ControlPlanePersistence, checkPersistence, checkReplicas, checkResources, resolveResources } from '../vcluster/sizing';
import { OperationsProps, operationsProps } from './operations';
import type { Platform } from './platform';
import { checkCrossFeature, checkPlacement, checkShape } from './rules';
import { ResolvedPreset, presetNames, presetOf } from './site-presets';
import type { VClusterSpec } from './spec';

/** Props of a construct without the vcluster it binds to. */
type AddOn<P> = Omit<P, 'vcluster'>;

/** A declaration with every default applied: what the chart builds and the fleet checks. */
export interface ResolvedVCluster extends OperationsProps {
  /** The declaration as written. */
  readonly spec: VClusterSpec;
  /** The site it is resolved against. */
  readonly platform: Platform;
  /** Every derived name. */
  readonly names: VClusterNames;
  /** Preset: a built-in one or a site preset. */
  readonly preset: PresetChoice;
  /** Environment label. */
  readonly environment: string;
  /** What removing the declaration does. */
  readonly deletionPolicy: DeletionPolicy;
  /** Namespace isolation. */
  readonly isolationMode: IsolationMode;
  /** How the kubeconfig reaches 1Password. */
  readonly kubeconfigSync: KubeconfigSyncStrategy;
  /** Host cluster name. */
  readonly hostCluster: string;
  /** Its API server, as registered in Argo CD. */
  readonly destinationServer: string;
  /** Chart version. */
  readonly chartVersion: string;
  /** The API endpoint. */
  readonly endpoint: ApiEndpoint;
  /** Members of the deployed etcd; 0 when none. */
  readonly etcdMembers: number;
  /** Props of the VCluster. */
  readonly vcluster: VClusterProps;
  /** Props of the CoreDnsPatch. */
  readonly dns: AddOn<CoreDnsSettings>;
  /** Props of the NetworkIsolation. */
  readonly network: AddOn<NetworkIsolationProps>;
  /** Props of the StrictIsolation, in strict mode. */
  readonly strict?: AddOn<StrictIsolationProps>;
  /** Props of the KubeconfigSync. */
  readonly sync: AddOn<KubeconfigSyncProps>;
  /** Props of the VClusterSecretSync, when the site keeps a Secret inside every vcluster. */
  readonly vclusterSecret?: AddOn<VClusterSecretSyncProps>;
  /** Props of the ArgoRegistration. */
  readonly registration: AddOn<ArgoRegistrationForVClusterProps>;
}

/**
 * Checks everything about a declaration that can be checked without building it and resolves its
 * defaults. Problems are recorded, not thrown, so that a run can report all of them; the result is
 * meaningful only when none were recorded.
 */
export function resolveDeclaration(problems: Problems, declared: VClusterSpec, platform: Platform): ResolvedVCluster {
  const spec = declared;
  if (!isPlainObject(spec)) {
    // one problem: nothing else of it can be trusted
    problems.add('(declaration)', spec, notPlainDeclaration(spec));
    return resolveDeclaration(new Problems(), { name: 'invalid' }, platform);
  }
  // Before anything reads into it: no prototype keys, no getters, nothing but data (and an exposure).
  if (
    !checkPlainData(problems, '', spec, { instead: (path, v) => (path === 'exposure' && v instanceof ExposureMode ? v.props : undefined) })
  ) {
    return resolveDeclaration(new Problems(), { name: '' }, platform);
  }
  checkShape(problems, spec as unknown as Record<string, unknown>);
  checkPlacement(problems, spec, platform);
  const { name: presetName, preset, presetKnown } = resolvePreset(problems, spec, platform);
  // An unknown preset is one mistake: the rules that read the preset's defaults wait for a known one.
  checkFields(problems, spec, presetKnown ? preset : UNKNOWN_PRESET, platform);
  const { hostCluster, destinationServer } = resolveHostCluster(problems, spec, platform);
  const names = new VClusterNames({
    name: typeof spec.name === 'string' ? spec.name : '',
    namespace: spec.targetNamespace,
    project: spec.projectName,
  });
  const choices = resolveChoices(problems, spec, { presetName, preset }, platform);
  const backingStore = effectiveBackingStore(
    isPlainObject(spec.backingStore) ? spec.backingStore : undefined,
    typeof spec.replicas === 'number' ? spec.replicas : preset.replicas,
  );
  const etcdMembers = deployedEtcdMembers(backingStore);
  checkCrossFeature(problems, spec, platform, { ...choices, presetKnown });
  const exposure = checkExposureOptions(problems, spec.exposure ?? Exposure.loadBalancer())
    ? (spec.exposure ?? Exposure.loadBalancer())
    : Exposure.loadBalancer();
  const exposureDefaults: ExposureDefaults = {
    baseDomain: platform.baseDomain,
    vipOffset: platform.loadBalancer.vipOffset,
    gateway: platform.gateway,
  };
  const endpoint = exposure.endpoint(problems, { release: names.release, namespace: names.namespace, ...exposureDefaults });
  checkFeatureSettings(problems, spec, names);
  if (problems.ok) names.check(problems, namingFeatures(platform.vclusterSecret?.name, choices.kubeconfigSync, etcdMembers, endpoint));
  const { chartVersion } = choices;
  return {
    spec,
    platform,
    names,
    preset: choices.presetName,
    environment: choices.environment,
    deletionPolicy: choices.deletionPolicy,
    isolationMode: choices.isolationMode,
    kubeconfigSync: choices.kubeconfigSync,
    hostCluster,
    destinationServer,
    chartVersion,
    endpoint,
    etcdMembers,
    vcluster: vclusterProps(spec, platform, { ...choices, hostCluster, destinationServer, exposure, exposureDefaults, backingStore }),
    ...addOnProps(spec, platform, choices),
    ...operationsProps(problems, spec, platform, { ...choices, names, etcdMembers, destinationServer }),
  };
}

/** Why a default export that is an object is no declaration (its prototype), or what it must be. */
function notPlainDeclaration(spec: unknown): string {
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    return 'a plain object literal passed to defineVCluster({...}): "__proto__" written in the literal sets its prototype instead of adding a key';
  }
  return 'an object returned by defineVCluster({...}) as the default export';
}

/** What the field checks assume of an unknown preset: nothing (no default resources to compare with, a volume allowed). */
const UNKNOWN_PRESET: ResolvedPreset = {
  ...PRESETS.dev,
  extends: 'dev',
  resources: { requests: {}, limits: {} } as unknown as Preset['resources'],
  persistence: { enabled: true, size: PRESETS.dev.persistence.size },
};

/**
 * The preset a declaration names (dev when it names none), a site preset or a built-in one, with
 * what it omits taken from the built-in preset it extends; the dev values stand in for an unknown one.
 */
function resolvePreset(
  problems: Problems,
  spec: VClusterSpec,
  platform: Platform,
): { name: PresetChoice; preset: ResolvedPreset; presetKnown: boolean } {
  problems.dns1035Label('name', spec.name, 53);
  if (spec.targetNamespace !== undefined) problems.dnsLabel('targetNamespace', spec.targetNamespace);
  if (spec.projectName !== undefined) problems.dnsLabel('projectName', spec.projectName);
  const name: unknown = spec.preset ?? 'dev';
  const preset = presetOf(platform.presets, name);
  if (!preset) {
    problems.add(
      'preset',
      name,
      `one of the presets the site offers: ${presetNames(platform.presets)
        .map((n) => `"${n}"`)
        .join(', ')}`,
      `pick one of them, or define it in the presets of the platform configuration`,
    );
  }
  if (preset) return { name: name as PresetChoice, preset, presetKnown: true };
  return { name: 'dev', preset: { ...PRESETS.dev, extends: 'dev' }, presetKnown: false };
}

/** The fields each feature checks on its own: versions, the Application, sizing, backing store, integrations, network. */
function checkFields(problems: Problems, spec: VClusterSpec, preset: ResolvedPreset, platform: Platform): void {
  checkKubernetesVersion(problems, spec, preset, platform);
  checkApplication(problems, 'application', spec.application);
  if (spec.replicas !== undefined) checkReplicas(problems, 'replicas', spec.replicas);
  checkResources(problems, 'resources', spec.resources, preset);
  checkPersistence(problems, 'persistence', spec.persistence, preset);
  if (spec.clusterDomain !== undefined) problems.dnsSubdomain('clusterDomain', spec.clusterDomain);
  if (spec.backingStore !== undefined) checkBackingStore(problems, 'backingStore', spec.backingStore);
  if (spec.etcdPki !== undefined) problems.boolean('etcdPki', spec.etcdPki);
  checkIntegrations(problems, 'integrations', spec.integrations);
  checkIntegrationsForEdition(problems, 'integrations', spec.integrations, platform.vcluster.edition, platform.integrations);
  const np = spec.networkPolicies;
  if (isPlainObject(np)) {
    if (np.enableNFS !== undefined) problems.boolean('networkPolicies.enableNFS', np.enableNFS);
    if (np.extraEgress !== undefined)
      problems.array('networkPolicies.extraEgress', np.extraEgress, 'a list of { name, cidr, port, protocol } rules');
  }
  if (spec.deletionPolicy !== undefined) problems.oneOf('deletionPolicy', spec.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
  if (spec.helmValues !== undefined) problems.object('helmValues', spec.helmValues, 'a map of Helm values of the vcluster chart');
  checkGuardExceptions(problems, 'exceptions', spec.exceptions);
}

/** The Kubernetes version (declared, else the preset's, else the platform's) must be one the vcluster's chart line supports. */
function checkKubernetesVersion(problems: Problems, spec: VClusterSpec, preset: ResolvedPreset, platform: Platform): void {
  const chartVersion = chartVersionOf(spec, preset, platform);
  const line = typeof chartVersion === 'string' ? chartLineOf(chartVersion) : undefined;
  const declared = spec.kubernetesVersion;
  const inherited = preset.kubernetesVersion ?? platform.kubernetesVersion;
  if (declared !== undefined && (typeof declared !== 'string' || !resolveKubernetesVersion(declared, line))) {
    problems.add('kubernetesVersion', declared, kubernetesVersionsAllowed(line), 'write the version as a quoted string, e.g. "1.33"');
  } else if (declared === undefined && line && !resolveKubernetesVersion(inherited, line)) {
    const from = preset.kubernetesVersion !== undefined ? `the preset's ${inherited}` : `the platform's default ${inherited}`;
    problems.add(
      'kubernetesVersion',
      declared,
      `a version chart ${chartVersion} supports (${from} is newer): ${kubernetesVersionsAllowed(line)}`,
      'set kubernetesVersion, or pin a newer chart version',
    );
  }
}

/** The host cluster a declaration names (or the platform's default) and its API server. */
function resolveHostCluster(
  problems: Problems,
  spec: VClusterSpec,
  platform: Platform,
): { hostCluster: string; destinationServer: string } {
  const hostCluster = spec.hostCluster ?? platform.argocd.defaultHostCluster;
  const clusters = platform.argocd.hostClusters;
  const destinationServer = typeof hostCluster === 'string' && Object.hasOwn(clusters, hostCluster) ? clusters[hostCluster] : undefined;
  if (!destinationServer)
    problems.add('hostCluster', hostCluster, `one of the platform's host clusters: ${Object.keys(clusters).join(', ')}`);
  return { hostCluster, destinationServer: destinationServer ?? '' };
}

/** The chart version: the declaration's `application.targetRevision`, else its preset's, else the platform's. */
function chartVersionOf(spec: VClusterSpec, preset: ResolvedPreset, platform: Platform): string {
  return spec.application?.targetRevision ?? preset.chartVersion ?? platform.chart.version;
}

/** The choices of a declaration with their defaults: its own field, else the preset's, else the platform's, else the built-in default. */
interface Choices {
  readonly presetName: PresetChoice;
  readonly preset: ResolvedPreset;
  readonly isolationMode: IsolationMode;
  readonly kubeconfigSync: KubeconfigSyncStrategy;
  readonly deletionPolicy: DeletionPolicy;
  readonly environment: string;
  readonly chartVersion: string;
  readonly kubernetesVersion: string;
}

function resolveChoices(
  problems: Problems,
  spec: VClusterSpec,
  { presetName, preset }: Pick<Choices, 'presetName' | 'preset'>,
  platform: Platform,
): Choices {
  const isolationMode = spec.isolationMode ?? preset.isolationMode ?? 'standard';
  problems.oneOf('isolationMode', isolationMode, ISOLATION_MODES);
  const kubeconfigSync = spec.kubeconfigSync ?? 'pushSecret';
  problems.oneOf('kubeconfigSync', kubeconfigSync, KUBECONFIG_SYNC_STRATEGIES);
  const environment = spec.argocd?.environment ?? preset.environment;
  problems.labelValue('argocd.environment', environment);
  return {
    presetName,
    preset,
    isolationMode,
    kubeconfigSync,
    deletionPolicy: spec.deletionPolicy ?? preset.deletionPolicy,
    environment,
    chartVersion: chartVersionOf(spec, preset, platform),
    kubernetesVersion: spec.kubernetesVersion ?? preset.kubernetesVersion ?? platform.kubernetesVersion,
  };
}

/** The settings whose contents the features check once their shape is known: registration, kubeconfig export, egress, strict mode, DNS. */
function checkFeatureSettings(problems: Problems, spec: VClusterSpec, names: VClusterNames): void {
  if (isPlainObject(spec.argocd)) checkRegistrationInputs(problems, 'argocd', spec.argocd, false);
  checkKubeconfigExport(problems, 'exportKubeConfig', spec.exportKubeConfig, names.namespace);
  if (Array.isArray(spec.networkPolicies?.extraEgress)) {
    checkExtraEgress(problems.scope('networkPolicies'), spec.networkPolicies.extraEgress, spec.networkPolicies.enableNFS === true, false);
  }
  if (isPlainObject(spec.isolation)) checkStrictIsolation(problems.scope('isolation'), spec.isolation, false);
  if (isPlainObject(spec.coredns)) {
    const domain =
      typeof spec.clusterDomain === 'string' && new Problems().dnsSubdomain('clusterDomain', spec.clusterDomain)
        ? spec.clusterDomain
        : 'cluster.local';
    checkCoreDnsSettings(problems.scope('coredns'), spec.coredns, domain);
  }
}

/** Which optional objects a declaration renders (decides which derived names must fit). */
function namingFeatures(
  vclusterSecret: string | undefined,
  kubeconfigSync: KubeconfigSyncStrategy,
  etcdMembers: number,
  endpoint: ApiEndpoint,
): NamingFeatures {
  return { kubeconfigSync, deployedEtcd: etcdMembers, gatewayRoute: endpoint.mode === 'gateway', vclusterSecret };
}

/** The VCluster props of a declaration. */
function vclusterProps(
  spec: VClusterSpec,
  platform: Platform,
  r: Choices & {
    hostCluster: string;
    destinationServer: string;
    exposure: Exposure;
    exposureDefaults: ExposureDefaults;
    backingStore: VClusterProps['backingStore'];
  },
): VClusterProps {
  const i = spec.integrations ?? {};
  // The Pro integrations exist in the Pro image only: never rendered for OSS (a declaration asking for them is refused).
  const pro = platform.vcluster.edition === 'pro';
  return {
    releaseName: spec.name,
    namespace: spec.targetNamespace,
    project: spec.projectName,
    argocdNamespace: platform.argocd.namespace,
    repoURL: spec.application?.repoURL ?? platform.chart.repoURL,
    chart: spec.application?.chart ?? platform.chart.name,
    targetRevision: r.chartVersion,
    destinationServer: r.destinationServer,
    host: Object.hasOwn(platform.hosts, r.hostCluster) ? platform.hosts[r.hostCluster] : undefined,
    syncPolicy: spec.application?.syncPolicy,
    // the construct knows the built-in presets only: every value a preset sets is resolved here
    preset: r.preset.extends,
    kubernetesVersion: r.kubernetesVersion,
    replicas: spec.replicas ?? r.preset.replicas,
    resources: resolveResources(r.preset, spec.resources),
    persistence: resolvePersistence(spec.persistence, r.preset),
    corednsReplicas: spec.coredns?.replicas ?? r.preset.corednsReplicas,
    clusterDomain: spec.clusterDomain,
    hostClusterDomain: platform.network.clusterDomain,
    backingStore: r.backingStore,
    exposure: r.exposure,
    exposureDefaults: r.exposureDefaults,
    exportKubeConfig: spec.exportKubeConfig,
    environment: r.environment,
    edition: platform.vcluster.edition,
    clusterIssuerSelectorLabels:
      !pro || i.certManager?.enabled === false
        ? undefined
        : (i.certManager?.clusterIssuerSelectorLabels ?? platform.integrations.clusterIssuerSelectorLabels),
    clusterStoreSelectorLabels:
      !pro || i.externalSecrets?.enabled === false
        ? undefined
        : (i.externalSecrets?.clusterStoreSelectorLabels ?? platform.integrations.clusterStoreSelectorLabels),
    metricsServer: i.metricsServer?.enabled ?? true,
    deletionPolicy: r.deletionPolicy,
    namespaceLabels: platform.namespaceLabels,
    projectLabels: platform.projectLabels,
    siteHelmValues: platform.helmValues,
    helmValues: spec.helmValues,
    exceptions: spec.exceptions,
    // strict isolation admits no exception to the pod rules or to host Secret mappings, the site's neither
    siteExceptions:
      r.isolationMode === 'strict' ? platform.exceptions.filter((e) => !STRICT_ISOLATION_RULES.includes(e.rule)) : platform.exceptions,
  };
}

/** The props of the add-ons of a declaration. */
function addOnProps(
  spec: VClusterSpec,
  platform: Platform,
  r: Choices,
): Pick<ResolvedVCluster, 'dns' | 'network' | 'strict' | 'sync' | 'vclusterSecret' | 'registration'> {
  const n = platform.network;
  return {
    dns: {
      replicas: spec.coredns?.replicas,
      upstreams: spec.coredns?.upstreams,
      forwardZones: spec.coredns?.forwardZones,
      cacheSeconds: spec.coredns?.cacheSeconds,
    },
    network: {
      mode: r.isolationMode,
      cilium: n.cilium,
      hostDnsAddress: n.hostDnsAddress,
      // The External Secrets controller writes the site's vclusterSecret through the vcluster API.
      apiClientNamespaces: [platform.argocd.namespace, ...(platform.vclusterSecret ? [platform.secretStore.controllerNamespace] : [])],
      apiClientCidrs: n.apiClientCidrs,
      workloadGatewayNamespace: n.gatewayNamespace,
      monitoringNamespace: n.monitoringNamespace,
      onePasswordConnectCidr: n.onePasswordConnectCidr,
      onePasswordEgress: r.kubeconfigSync === 'job',
      clusterDns: n.clusterDns,
      metricsServerPeer: n.metricsServer,
      privateCidrs: n.privateCidrs,
      enableNFS: spec.networkPolicies?.enableNFS,
      nfsCidr: n.nfsCidr,
      extraEgress: spec.networkPolicies?.extraEgress,
      kubeApiCidrs: n.kubeApiCidrs,
      kubeApiPort: n.kubeApiPort,
      labels: n.policyLabels,
    },
    // a declaration's strict settings over its preset's, as both are laid over the strict-mode defaults
    strict: r.isolationMode === 'strict' ? layerStrictIsolation(r.preset.isolation ?? {}, spec.isolation ?? {}) : undefined,
    sync: {
      strategy: r.kubeconfigSync,
      secretStoreName: platform.secretStore.name,
      secretStoreKind: platform.secretStore.kind,
      vault: platform.onePassword.vault,
      connectHost: platform.onePassword.connectHost,
      tokenItem: platform.onePassword.tokenItem,
      image: platform.images.curlJq,
    },
    vclusterSecret: platform.vclusterSecret && {
      ...platform.vclusterSecret,
      secretStoreName: platform.secretStore.name,
      secretStoreKind: platform.secretStore.kind,
    },
    registration: {
      platform,
      clusterLabels: spec.argocd?.clusterLabels,
      clusterAnnotations: spec.argocd?.clusterAnnotations,
      workloadRepo: spec.argocd?.workloadRepo,
    },
  };
}

/** The control-plane volume: the declaration's switch and size, else the preset's; a size only with a volume. */
function resolvePersistence(declared: ControlPlanePersistence | undefined, preset: Preset): ControlPlanePersistence {
  const enabled = declared?.enabled ?? preset.persistence.enabled;
  const size = enabled ? (declared?.size ?? preset.persistence.size) : undefined;
  return { ...declared, enabled, size };
}
