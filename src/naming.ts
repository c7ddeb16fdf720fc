/**
 * Every name this project gives an object, derived in one place.
 *
 * Names are a contract with live clusters: the vcluster chart runs a StatefulSet named after its
 * Helm release, and the Argo CD Application owning it carries the resources finalizer, so renaming
 * either deletes the cluster. These derivations keep the names the original platform gave live
 * objects (for `vcluster-media`: release `vcluster-media`, Application `vcluster-vcluster-media`,
 * cluster Secret `cluster-vcluster-media`, 1Password item `vcluster-media-kubeconfig`, kubeconfig
 * Secret `vc-vcluster-media`). Changing any of them is a breaking change for every running vcluster.
 */
import { createHash } from 'crypto';
import { Problems } from './validation';

/** Helm release names are limited to 53 characters. */
export const MAX_RELEASE_NAME = 53;
/** Object names used as DNS labels or label values are limited to 63 characters. */
export const MAX_NAME = 63;
/** CronJob names are limited to 52 characters (its Jobs append 11). */
export const MAX_CRONJOB_NAME = 52;

/**
 * The parts joined with `-`; beyond `max` characters, the first `max - 11` characters, `-` and the
 * first 10 hex digits of the SHA-256 of the whole (for `max` 63 this is the vcluster syncer's
 * `SafeConcatName`, so a label value it computes can be selected here).
 */
export function safeConcatName(max: number, ...parts: string[]): string {
  const full = parts.join('-');
  if (full.length <= max) return full;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, max - 11)}-${digest}`.replace(/\.-/g, '-');
}

/** The inputs every name is derived from. */
export interface NamingProps {
  /** The vcluster's name `N` (= Helm release). */
  readonly name: string;
  /** Host namespace `T`. @default - the vcluster name */
  readonly namespace?: string;
  /** Argo CD AppProject `P`. @default `vcluster-<name>` */
  readonly project?: string;
}

/** The derived names of one vcluster. */
export class VClusterNames {
  /** Helm release and StatefulSet: `N`. */
  public readonly release: string;
  /** Host namespace: `T`. */
  public readonly namespace: string;
  /** Argo CD AppProject: `P`, by default `vcluster-N`. */
  public readonly project: string;
  /** Argo CD Application installing the chart: `vcluster-N`. */
  public readonly application: string;
  /** Argo CD cluster Secret (made by an ExternalSecret): `cluster-N`. */
  public readonly clusterSecret: string;
  /** ExternalSecret that renders the Argo CD cluster Secret: `N-argocd-cluster`. */
  public readonly clusterExternalSecret: string;
  /** The kubeconfig Secret the chart writes: `vc-N`. */
  public readonly kubeconfigSecret: string;
  /** 1Password item holding the kubeconfig: `N-kubeconfig`. */
  public readonly onePasswordItem: string;
  /** PushSecret copying `vc-N` into 1Password: `N-kubeconfig-push`. */
  public readonly pushSecret: string;
  /** ExternalSecret bringing the kubeconfig back for people: `N-kubeconfig`. */
  public readonly kubeconfigExternalSecret: string;
  /** Secret that ExternalSecret writes: `N-kubeconfig-external`. */
  public readonly kubeconfigExternalTarget: string;
  /** Job strategy: the one-shot sync Job `vcluster-N-kubeconfig-sync`. */
  public readonly syncJob: string;
  /** Job strategy: ServiceAccount, Role and RoleBinding `N-kubeconfig-sync`. */
  public readonly syncServiceAccount: string;
  /** Job strategy: ExternalSecret (and its Secret) with the 1Password Connect token: `N-onepassword-token`. */
  public readonly onePasswordToken: string;
  /** Control-plane Service the chart creates: `N`. */
  public readonly service: string;
  /** Gateway exposure: the route for the API: `N-api`. */
  public readonly apiRoute: string;
  /** Deployed etcd: StatefulSet `N-etcd`. */
  public readonly etcd: string;
  /** Deployed etcd: headless Service `N-etcd-headless`. */
  public readonly etcdHeadless: string;
  /**
   * The retired etcd PKI: prefix of its CA/server/peer Certificates, `N-etcd`. Nothing renders them
   * any more; the name stays for the alert facts that still describe them.
   */
  public readonly etcdPkiPrefix: string;
  /** The retired etcd PKI: its merge Job `N-etcd-certs-merge` (nothing renders it; kept for the alert facts). */
  public readonly etcdCertsMerge: string;
  /** Secret kept inside the vcluster: the SecretStore of the vcluster's own API, `N-vcluster-api`. */
  public readonly vclusterApiStore: string;
  /** The chart's ClusterRole/Binding (cluster-scoped): `vc-N-v-T`, cut to 63 characters as the chart cuts it. */
  public readonly chartClusterRole: string;
  /** The chart's ClusterRole/Binding when it syncs namespaces (cluster-scoped): `vc-mn-N-v-T`, cut to 63 characters. */
  public readonly chartClusterRoleMultiNamespace: string;
  /**
   * Value of the label `vcluster.loft.sh/managed-by` the syncer puts on the cluster-scoped host
   * objects it creates (PersistentVolumes, PriorityClasses) and by which it recognises them as its
   * own: `T-x-N`, the host namespace first, shortened with a hash beyond 63 characters exactly as the
   * syncer does (`SafeConcatName`). The original platform's delete pipeline selected `N-x-T`, the
   * same value only while N = T.
   */
  public readonly managedBy: string;
  /** Deployed etcd: PodDisruptionBudget `N-etcd` keeping its quorum. */
  public readonly etcdDisruptionBudget: string;
  /** Deployed etcd: snapshot CronJob and its ServiceAccount `N-etcd-snapshot` (at most 52 characters, hashed beyond). */
  public readonly etcdSnapshot: string;
  /** Deployed etcd: the PersistentVolumeClaim of the snapshot target `N-etcd-snapshots`. */
  public readonly etcdSnapshotClaim: string;
  /** Deployed etcd: the (cluster-scoped) PersistentVolume of the snapshot target `T-N-etcd-snapshots`. */
  public readonly etcdSnapshotVolume: string;
  /** Deployed etcd: NetworkPolicy letting the snapshot pods reach the etcd members: `allow-etcd-snapshot-egress`. */
  public readonly etcdSnapshotEgressPolicy = 'allow-etcd-snapshot-egress';
  /** Deployed etcd: NetworkPolicy admitting the snapshot pods to the etcd members: `allow-etcd-from-snapshot`. */
  public readonly etcdSnapshotIngressPolicy = 'allow-etcd-from-snapshot';
  /** Deletion cleanup: the PostDelete hook's Job, ServiceAccount and NetworkPolicy `N-pv-cleanup` (hashed beyond 63). */
  public readonly pvCleanup: string;
  /** Deletion cleanup: the hook's ClusterRole and ClusterRoleBinding `<managedBy>-pv-cleanup`. */
  public readonly pvCleanupClusterRole: string;
  /** Bootstrap Application syncing this vcluster's dist/ folder: `fleet-N`. */
  public readonly bootstrapApplication: string;

  constructor(props: NamingProps) {
    const n = props.name;
    this.release = n;
    this.namespace = props.namespace ?? n;
    this.project = props.project ?? `vcluster-${n}`;
    this.application = `vcluster-${n}`;
    this.clusterSecret = `cluster-${n}`;
    this.clusterExternalSecret = `${n}-argocd-cluster`;
    this.kubeconfigSecret = `vc-${n}`;
    this.onePasswordItem = `${n}-kubeconfig`;
    this.pushSecret = `${n}-kubeconfig-push`;
    this.kubeconfigExternalSecret = `${n}-kubeconfig`;
    this.kubeconfigExternalTarget = `${n}-kubeconfig-external`;
    this.syncJob = `vcluster-${n}-kubeconfig-sync`;
    this.syncServiceAccount = `${n}-kubeconfig-sync`;
    this.onePasswordToken = `${n}-onepassword-token`;
    this.service = n;
    this.apiRoute = `${n}-api`;
    this.etcd = `${n}-etcd`;
    this.etcdHeadless = `${n}-etcd-headless`;
    this.etcdPkiPrefix = `${n}-etcd`;
    this.etcdCertsMerge = `${n}-etcd-certs-merge`;
    this.vclusterApiStore = `${n}-vcluster-api`;
    this.chartClusterRole = helmTrunc63(`vc-${n}-v-${this.namespace}`);
    this.chartClusterRoleMultiNamespace = helmTrunc63(`vc-mn-${n}-v-${this.namespace}`);
    this.managedBy = safeConcatName(MAX_NAME, this.namespace, 'x', n);
    this.etcdDisruptionBudget = `${n}-etcd`;
    this.etcdSnapshot = safeConcatName(MAX_CRONJOB_NAME, n, 'etcd-snapshot');
    this.etcdSnapshotClaim = `${n}-etcd-snapshots`;
    this.etcdSnapshotVolume = `${this.namespace}-${n}-etcd-snapshots`;
    this.pvCleanup = safeConcatName(MAX_NAME, n, 'pv-cleanup');
    this.pvCleanupClusterRole = `${this.managedBy}-pv-cleanup`;
    this.bootstrapApplication = `fleet-${n}`;
  }

  /** Argo CD cluster name (`data.name` of the cluster Secret): `N.<base domain with dashes>`. */
  public argocdClusterName(baseDomain: string): string {
    return `${this.release}.${baseDomain.replace(/\./g, '-')}`;
  }

  /**
   * Name of the host object the syncer creates for a cluster-scoped object of the vcluster (e.g. a
   * PersistentVolume): `vcluster-<name>-x-T-x-N`, hashed over 63 characters.
   */
  public hostClusterObjectName(name: string): string {
    return safeConcatName(MAX_NAME, 'vcluster', name, 'x', this.namespace, 'x', this.release);
  }

  /** Secret kept inside the vcluster: the ExternalSecret and host Secret holding its values, `N-<secret>`. */
  public vclusterSecretSource(secret: string): string {
    return `${this.release}-${secret}`;
  }

  /** Secret kept inside the vcluster: the PushSecret writing it there, `N-<secret>-push`. */
  public vclusterSecretPush(secret: string): string {
    return `${this.release}-${secret}-push`;
  }

  /** The etcd member pod names for `replicas` members: `N-etcd-0` … */
  public etcdMembers(replicas: number): string[] {
    return Array.from({ length: replicas }, (_, i) => `${this.etcd}-${i}`);
  }

  /**
   * Checks that every name rendered for the given features stays within Kubernetes' limits and
   * reports the declaration field to shorten otherwise.
   */
  public check(problems: Problems, features: NamingFeatures, nameField = 'name'): void {
    const tooLong = (what: string, value: string, max: number, field = nameField, source = this.release) => {
      if (value.length > max) {
        problems.add(
          field,
          source,
          `a value short enough that ${what} "${value}" has at most ${max} characters (it has ${value.length})`,
          `shorten ${field} by ${value.length - max} characters`,
        );
      }
    };
    tooLong('the Helm release name', this.release, MAX_RELEASE_NAME);
    tooLong('the Argo CD Application', this.application, MAX_NAME);
    tooLong('the Argo CD cluster Secret', this.clusterSecret, MAX_NAME);
    tooLong('the bootstrap Application', this.bootstrapApplication, MAX_NAME);
    tooLong('the cluster ExternalSecret', this.clusterExternalSecret, MAX_NAME);
    tooLong('the kubeconfig ExternalSecret target', this.kubeconfigExternalTarget, MAX_NAME);
    if (features.kubeconfigSync === 'pushSecret') tooLong('the PushSecret', this.pushSecret, MAX_NAME);
    if (features.kubeconfigSync === 'job') {
      tooLong('the kubeconfig sync Job', this.syncJob, MAX_NAME);
      tooLong('the 1Password token ExternalSecret', this.onePasswordToken, MAX_NAME);
    }
    if (features.deployedEtcd) {
      tooLong('the etcd headless Service', this.etcdHeadless, MAX_NAME);
      tooLong('the last etcd member', `${this.etcd}-${Math.max(0, features.deployedEtcd - 1)}`, MAX_NAME);
    }
    if (features.gatewayRoute) tooLong('the API route', this.apiRoute, MAX_NAME);
    if (features.vclusterSecret !== undefined) {
      tooLong('the SecretStore of the vcluster API', this.vclusterApiStore, MAX_NAME);
      tooLong('the PushSecret of the Secret kept inside the vcluster', this.vclusterSecretPush(features.vclusterSecret), MAX_NAME);
    }
  }
}

/** A name cut as the chart's templates cut it: `trunc 63 | trimSuffix "-"`. */
export function helmTrunc63(name: string): string {
  const cut = name.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/** Which optional objects a vcluster renders (decides which derived names must fit). */
export interface NamingFeatures {
  /** Kubeconfig sync strategy. */
  readonly kubeconfigSync: 'pushSecret' | 'job';
  /** Number of deployed etcd members, 0 when etcd is not deployed. */
  readonly deployedEtcd: number;
  /** Whether a Gateway API route is rendered for the API. */
  readonly gatewayRoute: boolean;
  /** Name of the Secret the site keeps inside every vcluster, when it keeps one. @default - none */
  readonly vclusterSecret?: string;
}

/**
 * Field labels of the 1Password item `N-kubeconfig`, the contract between {@link KubeconfigSync}
 * (which writes them, by PushSecret or Job) and {@link ArgoRegistration} (which reads them).
 * `kubeconfig` keeps the original platform's label for the full kubeconfig; the other labels are the
 * keys of the `vc-N` Secret the vcluster chart writes, plus `token` for a service-account kubeconfig.
 * Values are the raw text (PEM, not base64).
 */
export const KUBECONFIG_ITEM_FIELDS = {
  /** The whole kubeconfig (YAML). */
  kubeconfig: 'kubeconfig',
  /** PEM of the vcluster API server CA. */
  certificateAuthority: 'certificate-authority',
  /** PEM of the client certificate (certificate kubeconfigs). */
  clientCertificate: 'client-certificate',
  /** PEM of the client key (certificate kubeconfigs). */
  clientKey: 'client-key',
  /** Bearer token (service-account kubeconfigs, `exportKubeConfig.serviceAccount`). */
  token: 'token',
} as const;

/** The keys of the kubeconfig Secret the vcluster chart writes (`vc-<release>`). */
export const KUBECONFIG_SECRET_KEYS = {
  /** The whole kubeconfig. */
  config: 'config',
  /** PEM of the vcluster API server CA. */
  certificateAuthority: 'certificate-authority',
  /** PEM of the client certificate. */
  clientCertificate: 'client-certificate',
  /** PEM of the client key. */
  clientKey: 'client-key',
} as const;
