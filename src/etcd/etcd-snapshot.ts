/**
 * EtcdSnapshot: nightly `etcdctl snapshot save` of a vcluster's deployed etcd to an NFS export,
 * with retention, so there is something to restore from.
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DEFAULT_TOOLING_IMAGE } from '../presets';
import { Problems } from '../validation';
import type { IVCluster } from '../vcluster/ivcluster';
import { etcdPodLabels } from './etcd-disruption-budget';
import {
  ETCD_SNAPSHOT_DEFAULTS,
  EtcdSnapshotSettings,
  ResolvedEtcdSnapshotSettings,
  checkEtcdSnapshotSettings,
  deployedEtcdImage,
} from './snapshot-settings';

/** etcd's client port. */
export const ETCD_CLIENT_PORT = 2379;

/**
 * The keys of the chart's certificate Secret `<release>-certs` the snapshot reads: the etcd CA and
 * the etcd health-check client certificate the syncer generates (`pkg/certs`: `etcd/ca.crt`,
 * `etcd/healthcheck-client.crt|key`, stored with `/` replaced by `-`). etcd runs with
 * `--client-cert-auth=true`; any client certificate of its CA is accepted.
 */
export const ETCD_CLIENT_CERT_KEYS = {
  ca: 'etcd-ca.crt',
  cert: 'etcd-healthcheck-client.crt',
  key: 'etcd-healthcheck-client.key',
} as const;

const PKI_DIR = '/pki';
/** Nominal capacity of the snapshot target's volume and claim (NFS does not enforce it). */
const TARGET_CAPACITY = '1Gi';
const BACKUP_DIR = '/backups';

/** Props of {@link EtcdSnapshot}. */
export interface EtcdSnapshotProps extends EtcdSnapshotSettings {
  /** The vcluster whose deployed etcd is snapshotted (names, namespace, member count, etcd image and the chart's certificates). */
  readonly vcluster: IVCluster;
  /** Pinned image with a POSIX shell, `date`, `find` and `mv` (stamps and prunes the snapshots). @default "docker.io/alpine/k8s:1.34.3" */
  readonly shellImage?: string;
  /** Labels added to the two NetworkPolicies (site conventions). @default {} */
  readonly policyLabels?: Readonly<Record<string, string>>;
}

/**
 * A CronJob `N-etcd-snapshot` in the vcluster's namespace that snapshots its deployed etcd onto an
 * NFS export, in the folder `<nfs.path>/<nfs.folder>/<N>-etcd/`, as `<N>-etcd-<UTC time>.db`.
 *
 * - **Snapshot**: an init container runs `etcdctl snapshot save` against the client Service
 *   `N-etcd.<namespace>.svc:2379` with the chart's own PKI (Secret `N-certs`: the etcd CA and
 *   health-check client certificate, mounted read-only, nothing else of the Secret). Its image is
 *   the one the vcluster's etcd runs (same etcdctl version as the server), unless `image` names one.
 * - **Stamp and prune**: a shell container checks the snapshot is not empty, renames it with the
 *   time and deletes snapshots older than `retentionDays` (only after a good snapshot, so failing
 *   nights never eat the last good ones).
 * - **Schedule**: `schedule` in `timeZone`, `concurrencyPolicy: Forbid`, a start deadline of an hour,
 *   the last three successful and failed Jobs kept, and no TTL (a TTL on git-managed objects makes
 *   Argo CD flap).
 * - **Identity**: its own ServiceAccount without an API token (nothing reads the API; the kubelet
 *   mounts the Secret); non-root (`runAsUser`, default 65534), no privilege escalation, no
 *   capabilities, read-only root filesystem, seccomp `RuntimeDefault`, requests and limits.
 * - **Target**: a PersistentVolume `T-N-etcd-snapshots` of the NFS export (`Retain`, no
 *   StorageClass) pre-bound to the claim `N-etcd-snapshots`, which the pods mount with the sub-path
 *   `[<nfs.folder>/]<N>-etcd` (the kubelet creates the folder). A claim, not an inline `nfs` volume:
 *   Pod Security `restricted` admits claims only.
 * - **Network**: `allow-etcd-snapshot-egress` lets the snapshot pods reach the etcd members on 2379
 *   and `allow-etcd-from-snapshot` admits them there (strict isolation admits only the control plane
 *   otherwise). Both ends are pods, which Cilium enforces from plain NetworkPolicies. The NFS volume
 *   is mounted by the kubelet in the node's network namespace, which pod policies do not govern:
 *   the NFS server must accept the nodes.
 *
 * @see https://etcd.io/docs/v3.6/op-guide/recovery/
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class EtcdSnapshot extends Construct {
  /** The settings, defaults applied. */
  public readonly settings: ResolvedEtcdSnapshotSettings;
  /** The etcdctl image. */
  public readonly image: string;
  /** The folder (below the NFS path) this vcluster's snapshots go to: `[<nfs.folder>/]<N>-etcd`. */
  public readonly folder: string;
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The PersistentVolume of the NFS export (cluster-scoped, pre-bound to {@link claim}). */
  public readonly volume: k8s.KubePersistentVolume;
  /** The PersistentVolumeClaim the snapshot pods mount. */
  public readonly claim: k8s.KubePersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: EtcdSnapshotProps) {
    super(scope, id);
    const { vcluster } = props;
    const names = vcluster.names;
    const p = new Problems();
    checkEtcdSnapshotSettings(p, { ...settingsOf(props) } as Record<string, unknown>);
    if (!Number.isInteger(vcluster.etcdMembers) || vcluster.etcdMembers < 1) {
      p.add('vcluster.etcdMembers', vcluster.etcdMembers, 'a vcluster with a deployed etcd', 'enable backingStore.etcd.deploy');
    }
    const shellImage = props.shellImage ?? DEFAULT_TOOLING_IMAGE;
    p.pinnedImage('shellImage', shellImage);
    p.labels('policyLabels', props.policyLabels);
    p.throwIfAny(`EtcdSnapshot of "${names.release}"`);
    this.settings = {
      schedule: props.schedule ?? ETCD_SNAPSHOT_DEFAULTS.schedule,
      timeZone: props.timeZone ?? ETCD_SNAPSHOT_DEFAULTS.timeZone,
      retentionDays: props.retentionDays ?? ETCD_SNAPSHOT_DEFAULTS.retentionDays,
      nfs: { server: props.nfs.server, path: props.nfs.path, ...(props.nfs.folder ? { folder: props.nfs.folder } : {}) },
      runAsUser: props.runAsUser ?? ETCD_SNAPSHOT_DEFAULTS.runAsUser,
      maxAgeHours: props.maxAgeHours ?? ETCD_SNAPSHOT_DEFAULTS.maxAgeHours,
    };
    this.image = props.image ?? deployedEtcdImage(vcluster.helmValues());
    if (props.image === undefined && !new Problems().pinnedImage('image', this.image)) {
      p.add(
        'vcluster etcd image',
        this.image,
        'an etcd image pinned by a version tag or digest (etcdctl runs from it)',
        'pin backingStore.etcd.deploy.statefulSet.image, or set image',
      );
    }
    p.throwIfAny(`EtcdSnapshot of "${names.release}"`);
    this.folder = this.settings.nfs.folder ? `${this.settings.nfs.folder}/${names.etcd}` : names.etcd;

    const labels = { 'app.kubernetes.io/name': 'etcd-snapshot', 'app.kubernetes.io/instance': names.release };
    const target = this.target(vcluster, labels);
    this.volume = target.volume;
    this.claim = target.claim;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: names.etcdSnapshot, namespace: names.namespace, labels },
      automountServiceAccountToken: false,
    });
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: names.etcdSnapshot, namespace: names.namespace, labels },
      spec: {
        schedule: this.settings.schedule,
        timeZone: this.settings.timeZone,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 900,
            template: { metadata: { labels }, spec: this.podSpec(vcluster, shellImage) },
          },
        },
      },
    });
    this.networkPolicies(vcluster, labels, props.policyLabels ?? {});
  }

  /** The snapshot pod: etcdctl into the NFS folder, then stamp and prune. */
  private podSpec(vcluster: IVCluster, shellImage: string): k8s.PodSpec {
    const names = vcluster.names;
    const uid = this.settings.runAsUser;
    const partial = `${BACKUP_DIR}/${names.etcd}.partial`;
    const hardened: k8s.SecurityContext = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
    const backups: k8s.VolumeMount = { name: 'backups', mountPath: BACKUP_DIR, subPath: this.folder };
    const q = (s: string) => k8s.Quantity.fromString(s);
    return {
      restartPolicy: 'Never',
      serviceAccountName: names.etcdSnapshot,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [
        {
          name: 'snapshot',
          image: this.image,
          command: [
            'etcdctl',
            `--endpoints=https://${names.etcd}.${names.namespace}.svc:${ETCD_CLIENT_PORT}`,
            `--cacert=${PKI_DIR}/${ETCD_CLIENT_CERT_KEYS.ca}`,
            `--cert=${PKI_DIR}/${ETCD_CLIENT_CERT_KEYS.cert}`,
            `--key=${PKI_DIR}/${ETCD_CLIENT_CERT_KEYS.key}`,
            '--command-timeout=300s',
            'snapshot',
            'save',
            partial,
          ],
          securityContext: hardened,
          resources: { requests: { cpu: q('50m'), memory: q('64Mi') }, limits: { cpu: q('500m'), memory: q('256Mi') } },
          volumeMounts: [{ name: 'pki', mountPath: PKI_DIR, readOnly: true }, backups],
        },
      ],
      containers: [
        {
          name: 'stamp-and-prune',
          image: shellImage,
          command: ['sh', '-c', STAMP_AND_PRUNE],
          env: [
            { name: 'DIR', value: BACKUP_DIR },
            { name: 'PREFIX', value: names.etcd },
            { name: 'RETENTION_DAYS', value: String(this.settings.retentionDays) },
          ],
          securityContext: hardened,
          resources: { requests: { cpu: q('10m'), memory: q('32Mi') }, limits: { cpu: q('100m'), memory: q('64Mi') } },
          volumeMounts: [backups],
        },
      ],
      volumes: [
        {
          name: 'pki',
          secret: {
            secretName: `${names.release}-certs`,
            defaultMode: 0o440,
            items: Object.values(ETCD_CLIENT_CERT_KEYS).map((key) => ({ key, path: key })),
          },
        },
        { name: 'backups', persistentVolumeClaim: { claimName: names.etcdSnapshotClaim } },
      ],
    };
  }

  /**
   * The NFS export as a PersistentVolume pre-bound to a claim in the vcluster's namespace (no
   * StorageClass, `Retain`): the pods mount the claim, a volume type every Pod Security level
   * admits (`restricted` forbids an inline `nfs` volume). The capacity is nominal; NFS does not
   * enforce it.
   */
  private target(
    vcluster: IVCluster,
    labels: Record<string, string>,
  ): { volume: k8s.KubePersistentVolume; claim: k8s.KubePersistentVolumeClaim } {
    const names = vcluster.names;
    const size = k8s.Quantity.fromString(TARGET_CAPACITY);
    const volume = new k8s.KubePersistentVolume(this, 'Volume', {
      metadata: { name: names.etcdSnapshotVolume, labels },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        nfs: { server: this.settings.nfs.server, path: this.settings.nfs.path },
        claimRef: { namespace: names.namespace, name: names.etcdSnapshotClaim },
      },
    });
    const claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: { name: names.etcdSnapshotClaim, namespace: names.namespace, labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: names.etcdSnapshotVolume,
        resources: { requests: { storage: size } },
      },
    });
    return { volume, claim };
  }

  /** The snapshot pods reach the etcd members on the client port, and the members admit them. */
  private networkPolicies(vcluster: IVCluster, podLabels: Record<string, string>, policyLabels: Readonly<Record<string, string>>): void {
    const names = vcluster.names;
    const etcd = etcdPodLabels(names.release);
    const port: k8s.NetworkPolicyPort = { protocol: 'TCP', port: k8s.IntOrString.fromNumber(ETCD_CLIENT_PORT) };
    const metadata = (name: string) => ({
      name,
      namespace: names.namespace,
      labels: { ...policyLabels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'network-policy' },
    });
    new k8s.KubeNetworkPolicy(this, 'EgressPolicy', {
      metadata: metadata(names.etcdSnapshotEgressPolicy),
      spec: {
        podSelector: { matchLabels: podLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: etcd } }], ports: [port] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'IngressPolicy', {
      metadata: metadata(names.etcdSnapshotIngressPolicy),
      spec: {
        podSelector: { matchLabels: etcd },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: podLabels } }], ports: [port] }],
      },
    });
  }
}

/** The settings part of the props (what the platform's `backups.etcd` holds). */
function settingsOf(props: EtcdSnapshotProps): EtcdSnapshotSettings {
  const { vcluster: _v, shellImage: _s, policyLabels: _l, ...settings } = props;
  return settings;
}

/**
 * Stamps the snapshot the init container wrote (`$DIR/$PREFIX.partial`) with the time and prunes
 * snapshots older than `$RETENTION_DAYS` days, only after a good one. Reads only environment
 * variables the construct sets (a path, a name and a number, never user text).
 */
export const STAMP_AND_PRUNE = `set -eu
partial="$DIR/$PREFIX.partial"
[ -s "$partial" ] || { echo "etcd-snapshot: $partial is missing or empty" >&2; exit 1; }
name="$PREFIX-$(date -u +%Y%m%dT%H%M%SZ).db"
mv "$partial" "$DIR/$name"
echo "etcd-snapshot: wrote $name ($(wc -c < "$DIR/$name" | tr -d ' ') bytes)"
find "$DIR" -maxdepth 1 -type f -name "$PREFIX-*.db" -mmin +$((RETENTION_DAYS * 1440)) -print -delete
`;
