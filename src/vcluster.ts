/**
 * The VCluster construct: a vcluster's host namespace, its Argo CD AppProject, and the Argo CD
 * Application installing the loft-sh `vcluster` Helm chart with fully computed values.
 */
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Application, ApplicationSpecSyncPolicy } from '../imports/argocd-application-argoproj.io';
import { AppProject } from '../imports/argocd-appproject-argoproj.io';
import { VClusterNames } from './naming';
import { IN_CLUSTER_SERVER, VClusterHelmValues } from './platform';
import {
  ChartLine,
  DeletionPolicy,
  PRESETS,
  PresetName,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from './presets';
import { JsonObject, checkHelmValues, cloneJson, compact, deepMerge, valueAtPath } from './vcluster/helm-values';
import { Problems, ValidationError, isPlainObject } from './validation';

/** Control-plane requests and limits (Kubernetes quantities). */
export interface ControlPlaneResources {
  /** Requests. @default - the preset's */
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  /** Limits. @default - the preset's */
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** Control-plane persistent volume. */
export interface ControlPlanePersistence {
  /** Whether the control plane keeps its data on a PVC. @default - the preset's (dev false, prod true) */
  readonly enabled?: boolean;
  /** PVC size. @default - the preset's (dev 5Gi, prod 10Gi) */
  readonly size?: string;
  /** StorageClass of the PVC. @default - the host's default StorageClass */
  readonly storageClass?: string;
}

/** The `controlPlane.backingStore` values of the chart (embedded store when omitted). */
export type BackingStore = NonNullable<NonNullable<VClusterHelmValues['controlPlane']>['backingStore']>;
/** The `exportKubeConfig` values of the chart. */
export type ExportKubeConfig = NonNullable<VClusterHelmValues['exportKubeConfig']>;

/** Annotation that keeps Argo CD from pruning or deleting an object. */
export const KEEP_ON_DELETE = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as const;
/**
 * Annotation for the one-shot Jobs: Jobs are immutable, so when their spec changes in git Argo CD
 * deletes and recreates them (which also re-runs them) instead of failing the sync. Only real
 * changes trigger it: the bootstrap Applications ignore the fields the API server adds to Jobs.
 */
export const RECREATE_ON_CHANGE = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' } as const;

/** Finalizer that makes deleting an Argo CD Application delete what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

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
  /** Application sync policy, deep-merged over automated self-heal + prune (lists replace). @default - automated, selfHeal, prune, CreateNamespace=true */
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
  /** Backing store values (`controlPlane.backingStore`). @default - the chart's embedded store */
  readonly backingStore?: BackingStore;
  /** External API URL written into the exported kubeconfig (`exportKubeConfig.server`). @default - none */
  readonly serverUrl?: string;
  /** `exportKubeConfig` values, deep-merged over `{server: serverUrl}`. @default {} */
  readonly exportKubeConfig?: ExportKubeConfig;
  /** Environment label on the ServiceMonitor. @default - the preset's (development / production) */
  readonly environment?: string;
  /** Labels of the host ClusterIssuers synced into the vcluster; cert-manager integration off when undefined. @default - integration off */
  readonly clusterIssuerSelectorLabels?: Record<string, string>;
  /** Labels of the host ClusterSecretStores synced into the vcluster; External Secrets integration off when undefined. @default - integration off */
  readonly clusterStoreSelectorLabels?: Record<string, string>;
  /** metrics-server integration (needs a host metrics-server and egress to it on 10250). @default true */
  readonly metricsServer?: boolean;
  /** What removing this vcluster does to its data. @default - the preset's (dev "delete", prod "retain") */
  readonly deletionPolicy?: DeletionPolicy;
  /** Extra labels of the host namespace. @default {} */
  readonly namespaceLabels?: Record<string, string>;
  /** Site-wide Helm values, applied first. @default {} */
  readonly siteHelmValues?: VClusterHelmValues;
  /** Helm values deep-merged last, over everything computed (maps merge, lists replace). @default {} */
  readonly helmValues?: VClusterHelmValues;
}

/**
 * A vcluster on a host cluster, installed by Argo CD.
 *
 * Renders the host Namespace (sync wave -2), the AppProject (wave -1) allowing exactly the chart's
 * repository and the host destination, and the Application (wave 0) installing the chart with
 * values computed from the props. Other constructs add values with {@link addHelmValues} (the
 * exposure, CoreDNS, isolation policies, the etcd PKI volumes); the escape hatch `helmValues` is
 * applied last. The final values are checked against the chart line's `values.schema.json`.
 *
 * With `deletionPolicy: "retain"` Argo CD never prunes or deletes the namespace, the project or
 * the Application, the Application has no cascading finalizer, and PVCs are kept (`Retain`).
 *
 * @see https://www.vcluster.com/docs/vcluster/configure/vcluster-yaml/
 */
export class VCluster extends Construct {
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
  public readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  /** What removing the vcluster does to its data. */
  public readonly deletionPolicy: DeletionPolicy;
  /** Host API server. */
  public readonly destinationServer: string;
  /** The rendered Namespace. */
  public readonly namespace: k8s.KubeNamespace;
  /** The rendered AppProject. */
  public readonly project: AppProject;
  /** The rendered Application. */
  public readonly application: Application;

  private readonly layers: Array<{ source: string; values: JsonObject }> = [];
  private readonly base: JsonObject;
  private readonly overrides: JsonObject;
  private resolvedValues?: JsonObject;
  private valueProblems?: Problems;
  private valueProblemsFor?: JsonObject;

  constructor(scope: Construct, id: string, props: VClusterProps) {
    super(scope, id);
    const p = new Problems();
    p.dnsLabel('releaseName', props.releaseName, 53);
    if (props.namespace !== undefined) p.dnsLabel('namespace', props.namespace);
    if (props.project !== undefined) p.dnsLabel('project', props.project);
    this.preset = props.preset ?? 'dev';
    p.oneOf('preset', this.preset, Object.keys(PRESETS) as PresetName[]);
    const preset = PRESETS[this.preset] ?? PRESETS.dev;
    this.targetRevision = props.targetRevision ?? '0.31.3';
    const line = chartLineOf(this.targetRevision);
    if (!line) p.add('targetRevision', this.targetRevision, `an exact supported vcluster chart version: ${chartVersionsAllowed()}`);
    this.chartLine = line ?? '0.31';
    const k8sVersion = props.kubernetesVersion ?? '1.34';
    const tag = resolveKubernetesVersion(k8sVersion);
    if (!tag) p.add('kubernetesVersion', k8sVersion, kubernetesVersionsAllowed());
    this.kubernetesVersion = tag ?? '';
    this.replicas = props.replicas ?? preset.replicas;
    p.integer('replicas', this.replicas, 1, 15);
    const corednsReplicas = props.corednsReplicas ?? preset.corednsReplicas;
    p.integer('corednsReplicas', corednsReplicas, 1, 15);
    this.resources = {
      requests: { ...preset.resources.requests, ...compact(props.resources?.requests ?? {}) },
      limits: { ...preset.resources.limits, ...compact(props.resources?.limits ?? {}) },
    };
    for (const kind of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(this.resources[kind])) p.quantity(`resources.${kind}.${k}`, v);
    }
    const persistence = {
      enabled: props.persistence?.enabled ?? preset.persistence.enabled,
      size: props.persistence?.size ?? preset.persistence.size,
      storageClass: props.persistence?.storageClass,
    };
    p.quantity('persistence.size', persistence.size);
    if (persistence.storageClass !== undefined) p.dnsLabel('persistence.storageClass', persistence.storageClass, 253);
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    p.dnsSubdomain('clusterDomain', clusterDomain);
    this.deletionPolicy = props.deletionPolicy ?? preset.deletionPolicy;
    p.oneOf('deletionPolicy', this.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
    this.destinationServer = props.destinationServer ?? IN_CLUSTER_SERVER;
    p.httpsUrl('destinationServer', this.destinationServer);
    const repoURL = props.repoURL ?? 'https://charts.loft.sh';
    p.httpsUrl('repoURL', repoURL);
    if (props.serverUrl !== undefined) p.httpsUrl('serverUrl', props.serverUrl);
    p.labels('namespaceLabels', props.namespaceLabels);
    p.labels('clusterIssuerSelectorLabels', props.clusterIssuerSelectorLabels);
    p.labels('clusterStoreSelectorLabels', props.clusterStoreSelectorLabels);
    for (const [field, v] of [
      ['helmValues', props.helmValues],
      ['siteHelmValues', props.siteHelmValues],
      ['backingStore', props.backingStore],
      ['exportKubeConfig', props.exportKubeConfig],
    ] as const) {
      if (v !== undefined && !isPlainObject(v)) p.add(field, v, 'a map of Helm values');
    }
    p.throwIfAny(`VCluster "${props.releaseName}"`);

    this.names = new VClusterNames({ name: props.releaseName, namespace: props.namespace, project: props.project, baseDomain: 'invalid' });
    const argocdNamespace = props.argocdNamespace ?? 'argocd';
    const retain = this.deletionPolicy === 'retain';
    const environment = props.environment ?? preset.environment;

    // --- the values this construct computes -------------------------------------------------
    const retentionPolicy = retain ? 'Retain' : 'Delete';
    const controlPlane: JsonObject = {
      distro: { k8s: { enabled: true, image: { tag: this.kubernetesVersion } } },
      serviceMonitor: {
        enabled: true,
        labels: { vcluster_name: this.names.release, vcluster_namespace: this.names.namespace, environment, cluster_role: 'vcluster' },
      },
      statefulSet: {
        highAvailability: { replicas: this.replicas },
        persistence: {
          volumeClaim: compact({
            enabled: persistence.enabled,
            size: persistence.size,
            storageClass: persistence.storageClass,
            retentionPolicy,
          }),
        },
        resources: { requests: this.resources.requests, limits: this.resources.limits },
      },
      coredns: { enabled: true, deployment: { replicas: corednsReplicas } },
      ingress: { enabled: false },
    };
    // A PDB with minAvailable 1 on a single replica would block every node drain.
    if (this.chartLine !== '0.30' && this.replicas > 1) {
      controlPlane.advanced = { podDisruptionBudget: { enabled: true, minAvailable: 1 } };
    }
    if (props.backingStore) {
      let backingStore = cloneJson(props.backingStore as JsonObject);
      if (valueAtPath(backingStore, ['etcd', 'deploy', 'enabled']) === true) {
        // The deletion policy decides the etcd volumes' fate; a different value in backingStore is refused at validation.
        backingStore = deepMerge(backingStore, {
          etcd: { deploy: { statefulSet: { persistence: { volumeClaim: { retentionPolicy } } } } },
        });
      }
      controlPlane.backingStore = backingStore;
    }
    const integrations: JsonObject = { metricsServer: { enabled: props.metricsServer ?? true } };
    if (props.clusterStoreSelectorLabels) {
      integrations.externalSecrets = {
        enabled: true,
        webhook: { enabled: true },
        sync: { fromHost: { clusterStores: { enabled: true, selector: { matchLabels: props.clusterStoreSelectorLabels } } } },
      };
    }
    if (props.clusterIssuerSelectorLabels) {
      integrations.certManager = {
        enabled: true,
        sync: { fromHost: { clusterIssuers: { enabled: true, selector: { labels: props.clusterIssuerSelectorLabels } } } },
      };
    }
    this.base = deepMerge(cloneJson((props.siteHelmValues ?? {}) as JsonObject), {
      controlPlane,
      integrations,
      networking: { advanced: { clusterDomain } },
      exportKubeConfig: deepMerge(compact({ server: props.serverUrl }), props.exportKubeConfig as JsonObject | undefined),
    });
    this.overrides = cloneJson((props.helmValues ?? {}) as JsonObject);

    // --- objects ----------------------------------------------------------------------------
    const keep = retain ? KEEP_ON_DELETE : {};
    this.namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.names.namespace,
        annotations: { 'argocd.argoproj.io/sync-wave': '-2', ...keep },
        labels: { 'app.kubernetes.io/name': 'vcluster-namespace', 'vcluster.loft.sh/namespace': 'true', ...(props.namespaceLabels ?? {}) },
      },
    });
    this.project = new AppProject(this, 'AppProject', {
      metadata: {
        name: this.names.project,
        namespace: argocdNamespace,
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
    this.application = new Application(this, 'Application', {
      metadata: {
        name: this.names.application,
        namespace: argocdNamespace,
        annotations: { 'argocd.argoproj.io/sync-wave': '0', ...keep },
        finalizers: retain ? undefined : [RESOURCES_FINALIZER],
      },
      spec: {
        project: this.names.project,
        destination: { server: this.destinationServer, namespace: this.names.namespace },
        source: {
          repoUrl: repoURL,
          chart: props.chart ?? 'vcluster',
          targetRevision: this.targetRevision,
          helm: { releaseName: this.names.release, valuesObject: Lazy.any({ produce: () => this.helmValues() }) },
        },
        syncPolicy: deepMerge(
          { automated: { selfHeal: true, prune: true }, syncOptions: ['CreateNamespace=true'] },
          props.syncPolicy as JsonObject | undefined,
        ) as ApplicationSpecSyncPolicy,
      },
    });
    this.node.addValidation({ validate: () => this.validateValues() });
  }

  /**
   * Adds Helm values computed by another construct; applied after the computed values and before
   * the escape hatch `helmValues`. Call before synthesis.
   * @param source who adds them, for error messages
   */
  public addHelmValues(source: string, values: object): void {
    this.layers.push({ source, values: cloneJson(values as JsonObject) });
    this.resolvedValues = undefined;
  }

  /** Adds labels to the host namespace (e.g. Pod Security admission labels). */
  public addNamespaceLabels(labels: Record<string, string>): void {
    for (const [k, v] of Object.entries(labels)) this.namespace.metadata.addLabel(k, v);
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
   * Every problem of the final values: the chart line's schema, and (deletion protection) with
   * `deletionPolicy: "retain"` every volume claim of the control plane and of a deployed etcd must
   * keep `retentionPolicy: Retain`, whatever layer set it.
   */
  public helmValueProblems(): Problems {
    // Computed once per set of values: synthVCluster and the chart's own validation both ask.
    if (this.valueProblems && this.valueProblemsFor === this.helmValues()) return this.valueProblems;
    const problems = new Problems();
    const values = this.helmValues();
    checkHelmValues(problems, 'helmValues', values, this.chartLine, this.targetRevision);
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

  private validateValues(): string[] {
    const problems = this.helmValueProblems();
    return problems.ok ? [] : [new ValidationError(problems.list, `Helm values of VCluster "${this.names.release}"`).message];
  }
}
