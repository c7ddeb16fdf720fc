/**
 * The VCluster construct: a vcluster's host namespace, its Argo CD AppProject, and the Argo CD
 * Application installing the loft-sh `vcluster` Helm chart with fully computed values. It
 * implements {@link IVCluster}, what every add-on reads and extends.
 */
import { HostClusterFacts, checkHostFacts, hostAnnotations, resolveHostFacts } from './declaration/hosts';
import { isDeepStrictEqual } from 'util';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Application, ApplicationSpecSyncPolicy } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { IN_CLUSTER_SERVER } from './declaration/platform';
import { checkBackingStoreEtcdArgs } from './etcd/client-auth';
import { Exposure } from './exposure/exposure';
import { DEFAULT_VIP_OFFSET, ExposureDefaults, ExposureMode } from './exposure/exposure-mode';
import { VClusterNames } from './naming';
import {
  ChartLine,
  DEFAULT_CHART,
  DEFAULT_KUBERNETES_VERSION,
  NEWEST_CHART_LINE,
  compareChartLines,
  DeletionPolicy,
  PRESETS,
  Preset,
  PresetName,
  REPLICA_LIMITS,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from './presets';
import { Problems, ValidationError, checkPlainData, isPlainObject, keyPath, showValue } from './validation';
import { DEFAULT_SYNC_POLICY, KEEP_ON_DELETE, RESOURCES_FINALIZER, checkSyncPolicy } from './vcluster/application';
import { BackingStore, deployedEtcdMembers, effectiveBackingStore } from './vcluster/backing-store';
import { JsonObject, VClusterHelmValues, checkHelmValues, cloneJson, compact, deepMerge, valueAtPath } from './vcluster/helm-values';
import {
  CONTROL_PLANE_IMAGE_REPOSITORY,
  DEFAULT_EDITION,
  EDITION_IMAGE_REPOSITORIES,
  VCLUSTER_EDITIONS,
  VClusterEdition,
  checkEditionImage,
} from './vcluster/edition';
import { GuardException, GuardFinding, checkGuardExceptions } from './vcluster/exceptions';
import { checkIntegrationValues, integrationValues } from './vcluster/integrations';
import { ApiEndpoint, HelmValuesOptions, IVCluster, KubeconfigExport } from './vcluster/ivcluster';
import { ExportKubeConfig, kubeconfigExportOf } from './vcluster/kubeconfig-export';
import { POD_SECURITY_LABEL_PREFIX, checkNoPodSecurityLabels } from './vcluster/pod-security-labels';
import { ControlPlanePersistence, ControlPlaneResources, ResolvedResources, checkReplicas, resolveResources } from './vcluster/sizing';
import { GuardOptions, applyExceptions, checkHelmValueGuard, guardHelmValues } from './vcluster/values-guard';
import { checkValueLimits } from './vcluster/values-limits';

/** Props of {@link VCluster}. */
export interface VClusterProps {
  /** Helm release name (= StatefulSet, Service and `vc-<release>` kubeconfig Secret). */
  readonly releaseName: string;
  /** Host namespace. @default - the release name */
  readonly namespace?: string;
  /** Argo CD AppProject. @default `vcluster-<releaseName>` */
  readonly project?: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly argocdNamespace?: string;
  /** Helm repository of the chart. @default "https://charts.loft.sh" */
  readonly repoURL?: string;
  /** Chart name. @default "vcluster" */
  readonly chart?: string;
  /** Exact chart version (0.30.x or 0.31.x). @default "0.31.3" */
  readonly targetRevision?: string;
  /** API server of the host cluster, as registered in Argo CD. @default "https://kubernetes.default.svc" */
  readonly destinationServer?: string;
  /**
   * What the host cluster runs (Kubernetes version, API versions), written on the Application as
   * annotations; `npm run verify` renders the chart for it.
   * @default - no annotations: verify assumes Kubernetes 1.30.0 with the CRDs the fleet uses
   */
  readonly host?: HostClusterFacts;
  /** Application sync policy, deep-merged over the default (lists replace); a retry stays bounded (limit 1..100). @default - automated, selfHeal, prune, CreateNamespace=true, retry 5 times (10s backoff doubling up to 3m) */
  readonly syncPolicy?: ApplicationSpecSyncPolicy;
  /** Sizing preset. @default "dev" */
  readonly preset?: PresetName;
  /** Kubernetes version (`1.33` or an exact pinned `v1.33.7`). @default "1.34" */
  readonly kubernetesVersion?: string;
  /** Control-plane replicas. @default - the preset's (dev 1, prod 3) */
  readonly replicas?: number;
  /** Control-plane requests and limits. @default - the preset's */
  readonly resources?: ControlPlaneResources;
  /** Control-plane PVC. @default - the preset's */
  readonly persistence?: ControlPlanePersistence;
  /** CoreDNS replicas inside the vcluster. @default - the preset's (dev 1, prod 2) */
  readonly corednsReplicas?: number;
  /** Cluster domain inside the vcluster. @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Cluster domain of the host cluster (DNS suffix of the vcluster's Services there). @default "cluster.local" */
  readonly hostClusterDomain?: string;
  /**
   * Backing store values (`controlPlane.backingStore`).
   * @default - the chart's embedded store for one replica; a deployed 3-member etcd for more (the embedded store cannot serve HA)
   */
  readonly backingStore?: BackingStore;
  /** How the API is reached; the exposure binds itself to this vcluster. @default Exposure.internal() */
  readonly exposure?: Exposure;
  /** The site's defaults of the exposure modes (base domain of default hostnames, VIP offset, gateway). @default - none */
  readonly exposureDefaults?: ExposureDefaults;
  /** `exportKubeConfig` values, deep-merged over `{server: <the endpoint's URL>}`. @default {} */
  readonly exportKubeConfig?: ExportKubeConfig;
  /** Environment label (ServiceMonitor, registration). @default - the preset's (development / production) */
  readonly environment?: string;
  /** Labels of the host ClusterIssuers synced into the vcluster (Pro edition only); cert-manager integration off when undefined. @default - integration off */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
  /** Labels of the host ClusterSecretStores synced into the vcluster (Pro edition only); External Secrets integration off when undefined. @default - integration off */
  readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>>;
  /** metrics-server integration (needs a host metrics-server and egress to it on 10250). @default true */
  readonly metricsServer?: boolean;
  /**
   * The vcluster edition: `oss` runs `loft-sh/vcluster-oss`, `pro` `loft-sh/vcluster-pro`, unless
   * the values name the image; the final values must run the edition's image, and the Pro
   * integrations (selector labels above) need `pro`.
   * @default "oss"
   */
  readonly edition?: VClusterEdition;
  /** What removing this vcluster does to its data. @default - the preset's (dev "delete", prod "retain") */
  readonly deletionPolicy?: DeletionPolicy;
  /** Extra labels of the host namespace. @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Labels of the AppProject (site conventions, e.g. `argocd.argoproj.io/project-group`). @default {} */
  readonly projectLabels?: Readonly<Record<string, string>>;
  /** Site-wide Helm values, applied first. @default {} */
  readonly siteHelmValues?: VClusterHelmValues;
  /** Helm values deep-merged last, over everything computed (maps merge, lists replace). @default {} */
  readonly helmValues?: VClusterHelmValues;
  /**
   * Exceptions to the Helm values guard: each names a rule, the values path it waives and why
   * (an exception that waives nothing is an error).
   * @default [] - the final values must pass every rule of the guard
   */
  readonly exceptions?: readonly GuardException[];
  /**
   * The site's exceptions (checked against `siteHelmValues` where the site is defined); each holds
   * here while the values at its path are still the site's.
   * @default []
   */
  readonly siteExceptions?: readonly GuardException[];
}

/**
 * A vcluster on a host cluster, installed by Argo CD.
 *
 * Renders the host Namespace (sync wave -2), the AppProject (wave -1) allowing exactly the chart's
 * repository and the host destination, and the Application (wave 0) installing the chart with
 * values computed from the props. The exposure binds itself to the vcluster (Service values, TLS
 * SANs, route); add-ons add values with {@link addHelmValues}; the escape hatch `helmValues` is
 * applied last. The final values are checked against the chart line's `values.schema.json`.
 *
 * The vcluster is correct on its own: more than one control-plane replica without a backing store
 * of its own gets a deployed etcd (the embedded store serves one replica only), and replicas stay
 * within the limits of {@link REPLICA_LIMITS}.
 *
 * With `deletionPolicy: "retain"` Argo CD never prunes or deletes the namespace, the project or
 * the Application, the Application has no cascading finalizer, and PVCs are kept (`Retain`).
 *
 * @see https://www.vcluster.com/docs/vcluster/configure/vcluster-yaml/
 */
export class VCluster extends Construct implements IVCluster {
  /** Derived names. */
  public readonly names: VClusterNames;
  /** Chart version. */
  public readonly targetRevision: string;
  /** Chart line of that version. */
  public readonly chartLine: ChartLine;
  /** Kubernetes image tag. */
  public readonly kubernetesVersion: string;
  /** Preset. */
  public readonly preset: PresetName;
  /** Control-plane replicas. */
  public readonly replicas: number;
  /** Control-plane resources, preset applied. */
  public readonly resources: ResolvedResources;
  /** The backing store rendered (the given one, or a deployed etcd for an HA control plane without one). */
  public readonly backingStore?: BackingStore;
  /** Members of the deployed etcd; 0 when none is deployed. */
  public readonly etcdMembers: number;
  /** What removing the vcluster does to its data. */
  public readonly deletionPolicy: DeletionPolicy;
  /** The vcluster edition (decides the control-plane image and which integrations exist). */
  public readonly edition: VClusterEdition;
  /** Host API server. */
  public readonly destinationServer: string;
  /** What the host cluster runs, when given (on the Application as annotations). */
  public readonly host?: Required<HostClusterFacts>;
  /** Cluster domain inside the vcluster. */
  public readonly clusterDomain: string;
  /** Cluster domain of the host cluster. */
  public readonly hostClusterDomain: string;
  /** Environment label. */
  public readonly environment: string;
  /** The API endpoint of the bound exposure. */
  public readonly endpoint: ApiEndpoint;
  /** The rendered Namespace. */
  public readonly namespace: k8s.KubeNamespace;
  /** The rendered AppProject. */
  public readonly project: AppProject;
  /** The rendered Application. */
  public readonly application: Application;

  /** The exceptions to the Helm values guard this vcluster takes. */
  public readonly exceptions: readonly GuardException[];

  private readonly layers: Array<{ source: string; values: JsonObject; final: boolean }> = [];
  private readonly libraryNamespaceLabels: Record<string, string> = {};
  private readonly siteValues: JsonObject;
  private readonly siteExceptions: readonly GuardException[];
  private readonly base: JsonObject;
  private readonly overrides: JsonObject;
  private resolvedValues?: JsonObject;
  private valueProblems?: Problems;
  private valueProblemsFor?: JsonObject;

  constructor(scope: Construct, id: string, props: VClusterProps) {
    super(scope, id);
    const p = new Problems();
    checkNames(p, props);
    this.preset = props.preset ?? 'dev';
    p.oneOf('preset', this.preset, Object.keys(PRESETS) as PresetName[]);
    const preset: Preset = PRESETS[this.preset] ?? PRESETS.dev;
    this.targetRevision = props.targetRevision ?? DEFAULT_CHART.version;
    const line = chartLineOf(this.targetRevision);
    if (!line) p.add('targetRevision', this.targetRevision, `an exact supported vcluster chart version: ${chartVersionsAllowed()}`);
    this.chartLine = line ?? NEWEST_CHART_LINE;
    const k8sVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const tag = resolveKubernetesVersion(k8sVersion, this.chartLine);
    if (!tag) p.add('kubernetesVersion', k8sVersion, kubernetesVersionsAllowed(this.chartLine));
    this.kubernetesVersion = tag ?? '';
    this.replicas = props.replicas ?? preset.replicas;
    checkReplicas(p, 'replicas', this.replicas);
    this.resources = resolveResources(preset, props.resources);
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(this.resources[kind])) p.resourceQuantity(`resources.${kind}.${k}`, k, v);
    }
    this.backingStore = effectiveBackingStore(props.backingStore, this.replicas);
    this.etcdMembers = deployedEtcdMembers(this.backingStore);
    if (this.etcdMembers) {
      const { min, max } = REPLICA_LIMITS.etcdMembers;
      p.integer('backingStore.etcd.deploy.statefulSet.highAvailability.replicas', this.etcdMembers, min, max);
    }
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    this.hostClusterDomain = props.hostClusterDomain ?? 'cluster.local';
    this.deletionPolicy = props.deletionPolicy ?? preset.deletionPolicy;
    this.edition = props.edition ?? DEFAULT_EDITION;
    this.destinationServer = props.destinationServer ?? IN_CLUSTER_SERVER;
    if (props.host !== undefined) checkHostFacts(p, 'host', props.host);
    this.host = props.host === undefined || !p.ok ? undefined : resolveHostFacts(props.host);
    this.environment = props.environment ?? preset.environment;
    checkSettings(p, props, this);
    this.names = new VClusterNames({ name: props.releaseName, namespace: props.namespace, project: props.project });
    const exposure: ExposureMode = props.exposure ?? Exposure.internal();
    this.endpoint = exposure.endpoint(p, {
      release: this.names.release,
      namespace: this.names.namespace,
      ...props.exposureDefaults,
      vipOffset: props.exposureDefaults?.vipOffset ?? DEFAULT_VIP_OFFSET,
    });
    p.throwIfAny(`VCluster "${props.releaseName}"`);

    this.exceptions = props.exceptions ?? [];
    this.siteExceptions = props.siteExceptions ?? [];
    this.siteValues = cloneJson((props.siteHelmValues ?? {}) as JsonObject);
    this.base = this.computedValues(props, preset);
    this.overrides = cloneJson((props.helmValues ?? {}) as JsonObject);
    exposure.bind(this, this, this.endpoint);
    const objects = this.renderObjects(props);
    this.namespace = objects.namespace;
    this.project = objects.project;
    this.application = objects.application;
    this.node.addValidation({ validate: () => this.validateValues() });
  }

  /** The kubeconfig the chart exports (from the final values: site values may name its Secret). */
  public get kubeconfig(): KubeconfigExport {
    return kubeconfigExportOf(this.helmValues().exportKubeConfig, this.names.release);
  }

  /**
   * Adds Helm values computed by another construct; applied after the computed values and before
   * the escape hatch `helmValues`. Call before synthesis.
   * @param source who adds them, for error messages
   * @param options `final: true` when no later layer may change them (checked on the final values)
   */
  public addHelmValues(source: string, values: object, options: HelmValuesOptions = {}): void {
    this.layers.push({ source, values: cloneJson(values as JsonObject), final: options.final === true });
    this.resolvedValues = undefined;
  }

  /** Adds labels to the host namespace (e.g. Pod Security admission labels: only this way). */
  public addNamespaceLabels(labels: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(labels)) {
      this.namespace.metadata.addLabel(k, v);
      Object.defineProperty(this.libraryNamespaceLabels, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }

  /** The final Helm values: site values, computed values, added layers, then the escape hatch. */
  public helmValues(): JsonObject {
    if (!this.resolvedValues) {
      let v = this.base;
      for (const layer of this.layers) v = deepMerge(v, layer.values);
      this.resolvedValues = deepMerge(v, this.overrides);
    }
    return this.resolvedValues;
  }

  /**
   * Every problem of the final values and the objects rendered from them: the chart line's schema;
   * etcd arguments that would switch off client-certificate auth; the edition's image and
   * integrations; the Helm values guard (exceptions applied); the limits Kubernetes sets on labels,
   * annotations and quantities; the values of final layers (strict isolation) unchanged; Pod
   * Security labels on the Namespace only from the library; and (deletion protection) with
   * `deletionPolicy: "retain"` every volume claim of the control plane and of a deployed etcd keeps
   * `retentionPolicy: Retain`, whatever layer set it.
   */
  public helmValueProblems(): Problems {
    // Computed once per set of values: the chart's validation and its callers both ask.
    if (this.valueProblems && this.valueProblemsFor === this.helmValues()) return this.valueProblems;
    const problems = new Problems();
    const values = this.helmValues();
    checkHelmValues(problems, 'helmValues', values, this.chartLine, this.targetRevision);
    // Whatever layer set them (site values, a declaration, an add-on), etcd keeps client-certificate auth.
    checkBackingStoreEtcdArgs(problems, 'helmValues.controlPlane.backingStore', valueAtPath(values, ['controlPlane', 'backingStore']));
    // The image runs the edition the site declares, and the OSS image gets no integration it ignores.
    checkEditionImage(problems, 'helmValues', values, this.edition, valueAtPath(this.siteValues, CONTROL_PLANE_IMAGE_REPOSITORY));
    checkIntegrationValues(problems, 'helmValues', values, this.edition);
    checkValueLimits(problems, 'helmValues', values);
    const changed = this.finalLayerProblems(problems, values);
    const guard = new Problems();
    checkHelmValueGuard(guard, 'helmValues', values, { ...this.guardOptions(), exceptions: this.exceptions });
    // one root cause once: what a changed final value switches on beside it is not reported again
    for (const g of guard.list) {
      if (!changed.some((parent) => g.field.startsWith(`${parent}.`) || g.field.startsWith(`${parent}[`))) {
        problems.add(g.field, g.value, g.allowed, g.fix);
      }
    }
    this.podSecurityLabelProblems(problems);
    if (this.deletionPolicy === 'retain') {
      for (const sts of ['controlPlane.statefulSet', 'controlPlane.backingStore.etcd.deploy.statefulSet']) {
        const field = `${sts}.persistence.volumeClaim.retentionPolicy`;
        const policy = valueAtPath(values, field.split('.'));
        if (policy !== undefined && policy !== 'Retain') {
          problems.add(
            `helmValues.${field}`,
            policy,
            '"Retain" while deletionPolicy is "retain" (the volumes must survive the removal of the vcluster)',
            'remove the override, or set deletionPolicy: "delete" to clean up on removal',
          );
        }
      }
    }
    this.valueProblems = problems;
    this.valueProblemsFor = values;
    return problems;
  }

  /**
   * Values of a final layer that a later layer changed (each leaf of the layer must hold in the
   * final values); returns the fields of the maps holding them.
   */
  private finalLayerProblems(problems: Problems, values: JsonObject): string[] {
    const changed: string[] = [];
    for (const layer of this.layers.filter((l) => l.final)) {
      for (const [path, expected] of leaves(layer.values)) {
        const actual = valueAtPath(values, path);
        if (isDeepStrictEqual(actual, expected)) continue;
        changed.push(`helmValues.${path.slice(0, -1).reduce((at, k) => keyPath(at, k), '')}`);
        problems.add(
          `helmValues.${path.reduce((at, k) => keyPath(at, k), '')}`,
          actual,
          `${showValue(expected)}, as ${layer.source} sets it (a later layer must not change it)`,
          'remove the override from helmValues',
        );
      }
    }
    return changed;
  }

  /** Pod Security labels of the rendered Namespace and Application: the library's only. */
  private podSecurityLabelProblems(problems: Problems): void {
    const ns = this.namespace.toJson() as { metadata?: { labels?: Record<string, string> } };
    for (const [k, v] of Object.entries(ns.metadata?.labels ?? {})) {
      if (k.startsWith(POD_SECURITY_LABEL_PREFIX) && this.libraryNamespaceLabels[k] !== v) {
        problems.add(`namespaceLabels[${JSON.stringify(k)}]`, v, 'Pod Security labels set by the library only (StrictIsolation)');
      }
    }
    const app = this.application.toJson() as { spec?: { syncPolicy?: { managedNamespaceMetadata?: { labels?: unknown } } } };
    checkNoPodSecurityLabels(
      problems,
      'syncPolicy.managedNamespaceMetadata.labels',
      app.spec?.syncPolicy?.managedNamespaceMetadata?.labels,
    );
  }

  /**
   * What the Helm values guard refuses in the final values before the vcluster's own exceptions
   * apply (the site's exceptions and the library's own values already taken into account): the
   * exceptions a declaration would need.
   */
  public guardFindings(): GuardFinding[] {
    const values = this.helmValues();
    const options = this.guardOptions();
    return applyExceptions(guardHelmValues(values, options), values, options).uncovered;
  }

  /** The guard's context: the namespace, the site's exceptions and values, the values the library's constructs added. */
  private guardOptions(): GuardOptions {
    return {
      namespace: this.names.namespace,
      siteExceptions: this.siteExceptions,
      siteValues: this.siteValues,
      libraryValues: this.layers.reduce<JsonObject>((v, layer) => deepMerge(v, layer.values), {}),
    };
  }

  /** The values this construct computes from its props, over the site's. */
  private computedValues(props: VClusterProps, preset: Preset): JsonObject {
    const retentionPolicy = this.deletionPolicy === 'retain' ? 'Retain' : 'Delete';
    const persistence = props.persistence ?? {};
    const persistent = persistence.enabled ?? preset.persistence.enabled;
    const controlPlane: JsonObject = {
      distro: { k8s: { enabled: true, image: { tag: this.kubernetesVersion } } },
      serviceMonitor: {
        enabled: true,
        labels: {
          vcluster_name: this.names.release,
          vcluster_namespace: this.names.namespace,
          environment: this.environment,
          cluster_role: 'vcluster',
        },
      },
      statefulSet: {
        highAvailability: { replicas: this.replicas },
        persistence: {
          // Without a volume (the explicit ephemeral mode) size and class mean nothing.
          volumeClaim: compact({
            enabled: persistent,
            size: persistent ? (persistence.size ?? preset.persistence.size) : undefined,
            storageClass: persistent ? persistence.storageClass : undefined,
            retentionPolicy,
          }),
        },
        resources: { requests: this.resources.requests, limits: this.resources.limits },
      },
      coredns: { enabled: true, deployment: { replicas: props.corednsReplicas ?? preset.corednsReplicas } },
      ingress: { enabled: false },
    };
    // A PDB with minAvailable 1 on a single replica would block every node drain.
    if (compareChartLines(this.chartLine, '0.31') >= 0 && this.replicas > 1) {
      controlPlane.advanced = { podDisruptionBudget: { enabled: true, minAvailable: 1 } };
    }
    if (this.backingStore) {
      let backingStore = cloneJson(this.backingStore as JsonObject);
      if (this.etcdMembers > 0) {
        // The deletion policy decides the etcd volumes' fate; a different value is refused at validation.
        backingStore = deepMerge(backingStore, {
          etcd: { deploy: { statefulSet: { persistence: { volumeClaim: { retentionPolicy } } } } },
        });
      }
      controlPlane.backingStore = backingStore;
    }
    // The edition's image unless the site names its own (a mirror); the computed values go over the site's.
    const editionImage = { controlPlane: { statefulSet: { image: { repository: EDITION_IMAGE_REPOSITORIES[this.edition] } } } };
    return deepMerge(deepMerge(editionImage, this.siteValues), {
      controlPlane,
      integrations: integrationValues({
        clusterIssuerSelectorLabels: props.clusterIssuerSelectorLabels,
        clusterStoreSelectorLabels: props.clusterStoreSelectorLabels,
        metricsServer: props.metricsServer ?? true,
      }),
      networking: { advanced: { clusterDomain: this.clusterDomain } },
      exportKubeConfig: deepMerge({ server: this.endpoint.serverUrl }, props.exportKubeConfig as JsonObject | undefined),
    });
  }

  /** The Namespace, AppProject and Application. */
  private renderObjects(props: VClusterProps): { namespace: k8s.KubeNamespace; project: AppProject; application: Application } {
    const retain = this.deletionPolicy === 'retain';
    const keep = retain ? KEEP_ON_DELETE : {};
    const argocdNamespace = props.argocdNamespace ?? 'argocd';
    const repoURL = props.repoURL ?? DEFAULT_CHART.repoURL;
    const namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.names.namespace,
        annotations: { 'argocd.argoproj.io/sync-wave': '-2', ...keep },
        labels: { 'app.kubernetes.io/name': 'vcluster-namespace', 'vcluster.loft.sh/namespace': 'true', ...(props.namespaceLabels ?? {}) },
      },
    });
    const projectLabels = props.projectLabels && Object.keys(props.projectLabels).length ? { ...props.projectLabels } : undefined;
    const project = new AppProject(this, 'AppProject', {
      metadata: {
        name: this.names.project,
        namespace: argocdNamespace,
        labels: projectLabels,
        annotations: { 'argocd.argoproj.io/sync-wave': '-1', ...keep },
      },
      spec: {
        description: `VCluster project for ${this.names.release}`,
        sourceRepos: [repoURL],
        destinations: [{ namespace: this.names.namespace, server: this.destinationServer }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        namespaceResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    });
    const application = new Application(this, 'Application', {
      metadata: {
        name: this.names.application,
        namespace: argocdNamespace,
        annotations: { 'argocd.argoproj.io/sync-wave': '0', ...keep, ...(this.host ? hostAnnotations(this.host) : {}) },
        finalizers: retain ? undefined : [RESOURCES_FINALIZER],
      },
      spec: {
        project: this.names.project,
        destination: { server: this.destinationServer, namespace: this.names.namespace },
        source: {
          repoUrl: repoURL,
          chart: props.chart ?? DEFAULT_CHART.name,
          targetRevision: this.targetRevision,
          helm: { releaseName: this.names.release, valuesObject: Lazy.any({ produce: () => this.helmValues() }) },
        },
        syncPolicy: deepMerge(
          cloneJson(DEFAULT_SYNC_POLICY as unknown as JsonObject),
          props.syncPolicy as JsonObject | undefined,
        ) as ApplicationSpecSyncPolicy,
      },
    });
    return { namespace, project, application };
  }

  private validateValues(): string[] {
    const problems = this.helmValueProblems();
    return problems.ok ? [] : [new ValidationError(problems.list, `Helm values of VCluster "${this.names.release}"`).message];
  }
}

/** The release, namespace and project names. */
function checkNames(p: Problems, props: VClusterProps): void {
  p.dns1035Label('releaseName', props.releaseName, 53);
  if (props.namespace !== undefined) p.dnsLabel('namespace', props.namespace);
  if (props.project !== undefined) p.dnsLabel('project', props.project);
}

/** The props the constructor does not resolve itself: domains, URLs, labels and value maps. */
function checkSettings(p: Problems, props: VClusterProps, v: VCluster): void {
  p.integer(
    'corednsReplicas',
    props.corednsReplicas ?? PRESETS[v.preset]?.corednsReplicas ?? 1,
    REPLICA_LIMITS.coredns.min,
    REPLICA_LIMITS.coredns.max,
  );
  const persistence = props.persistence ?? {};
  if (persistence.size !== undefined) p.resourceQuantity('persistence.size', 'storage', persistence.size);
  if (persistence.storageClass !== undefined) p.dnsLabel('persistence.storageClass', persistence.storageClass, 253);
  p.dnsSubdomain('clusterDomain', v.clusterDomain);
  p.dnsSubdomain('hostClusterDomain', v.hostClusterDomain);
  p.oneOf('deletionPolicy', v.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
  p.httpsUrl('destinationServer', v.destinationServer);
  p.httpsUrl('repoURL', props.repoURL ?? DEFAULT_CHART.repoURL);
  p.labels('namespaceLabels', props.namespaceLabels);
  p.labels('projectLabels', props.projectLabels);
  checkNoPodSecurityLabels(p, 'namespaceLabels', props.namespaceLabels);
  checkNoPodSecurityLabels(p, 'syncPolicy.managedNamespaceMetadata.labels', props.syncPolicy?.managedNamespaceMetadata?.labels);
  checkGuardExceptions(p, 'exceptions', props.exceptions);
  checkGuardExceptions(p, 'siteExceptions', props.siteExceptions);
  p.labels('clusterIssuerSelectorLabels', props.clusterIssuerSelectorLabels);
  p.labels('clusterStoreSelectorLabels', props.clusterStoreSelectorLabels);
  if (props.edition !== undefined) p.oneOf('edition', props.edition, VCLUSTER_EDITIONS);
  for (const key of ['clusterIssuerSelectorLabels', 'clusterStoreSelectorLabels'] as const) {
    if (v.edition === 'oss' && props[key] !== undefined) {
      p.add(
        key,
        props[key],
        'nothing with the oss edition: the integration is a vcluster Pro feature the OSS image ignores',
        'remove it, or set edition: "pro"',
      );
    }
  }
  if (isPlainObject(props.syncPolicy)) checkSyncPolicy(p, 'syncPolicy', props.syncPolicy);
  else if (props.syncPolicy !== undefined) p.add('syncPolicy', props.syncPolicy, 'an Argo CD sync policy object');
  for (const [field, value] of [
    ['helmValues', props.helmValues],
    ['siteHelmValues', props.siteHelmValues],
    ['backingStore', props.backingStore],
    ['exportKubeConfig', props.exportKubeConfig],
  ] as const) {
    if (value !== undefined && !isPlainObject(value)) p.add(field, value, 'a map of Helm values');
    else if (value !== undefined) checkPlainData(p, field, value);
  }
  for (const [field, value] of [
    ['namespaceLabels', props.namespaceLabels],
    ['syncPolicy', props.syncPolicy],
    ['clusterIssuerSelectorLabels', props.clusterIssuerSelectorLabels],
    ['clusterStoreSelectorLabels', props.clusterStoreSelectorLabels],
  ] as const) {
    if (value !== undefined) checkPlainData(p, field, value);
  }
}

/** The leaves of a values tree (maps are walked; lists and scalars are leaves), with their paths. */
function leaves(v: JsonObject, prefix: string[] = []): Array<[string[], unknown]> {
  return Object.entries(v).flatMap(([k, x]) =>
    isPlainObject(x) && Object.keys(x).length ? leaves(x, [...prefix, k]) : [[[...prefix, k], x] as [string[], unknown]],
  );
}
