/**
 * The etcd snapshot settings of a site (`backups.etcd` of the platform): when, where to and for how
 * long the deployed etcd of every retained vcluster is snapshotted. Their type, key lists, checks,
 * and the image a snapshot runs with.
 */
import { Problems, checkKnownKeys, isPlainObject, keysOf } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';

/** An NFS export, mounted by the kubelet. */
export interface NfsTarget {
  /** NFS server: an IPv4 address or a hostname. */
  readonly server: string;
  /** Exported folder (absolute), as mounted. */
  readonly path: string;
  /**
   * Folder inside the export (relative) holding the vcluster folders: each vcluster writes into
   * `<folder>/<name>-etcd/`, which the kubelet creates when missing.
   * @default "" (the vcluster folders directly in the export)
   */
  readonly folder?: string;
}

/** Where etcd snapshots are written. */
export interface EtcdSnapshotSettings {
  /** Cron schedule (five fields, or `@daily` and the like). @default "45 3 * * *" */
  readonly schedule?: string;
  /** Time zone of the schedule (IANA name). @default "Etc/UTC" */
  readonly timeZone?: string;
  /** Days a snapshot is kept; older ones are deleted after each successful snapshot. @default 14 */
  readonly retentionDays?: number;
  /** The NFS export the snapshots go to. */
  readonly nfs: NfsTarget;
  /**
   * Image with `etcdctl`, pinned.
   * @default - the image the vcluster's etcd runs (same etcdctl version as the server it snapshots)
   */
  readonly image?: string;
  /** User and group ID the snapshot runs as: they must be able to create files in the NFS folder. @default 65534 */
  readonly runAsUser?: number;
  /** Hours without a successful snapshot before `VClusterEtcdSnapshotStale` fires. @default 26 */
  readonly maxAgeHours?: number;
}

/** The site's backup settings (`backups` of the platform). */
export interface BackupSettings {
  /** Nightly snapshots of the deployed etcd of every vcluster with `deletionPolicy: "retain"`. @default - no snapshots */
  readonly etcd?: EtcdSnapshotSettings;
}

/** Snapshot settings with every default applied. */
export type ResolvedEtcdSnapshotSettings = Required<Omit<EtcdSnapshotSettings, 'image'>> & Pick<EtcdSnapshotSettings, 'image'>;

/** The defaults of {@link EtcdSnapshotSettings} (this site's original: 03:45 UTC, 14 days). */
export const ETCD_SNAPSHOT_DEFAULTS = { schedule: '45 3 * * *', timeZone: 'Etc/UTC', retentionDays: 14, runAsUser: 65534, maxAgeHours: 26 };

/** The etcd image of the chart lines this project supports (`controlPlane.backingStore.etcd.deploy.statefulSet.image`, 0.30 and 0.31). */
export const CHART_ETCD_IMAGE = { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.4-0' } as const;

/** Keys of the backup sections. */
export const BACKUP_KEYS = {
  backups: keysOf<BackupSettings>({ etcd: true }),
  etcd: keysOf<EtcdSnapshotSettings>({
    schedule: true,
    timeZone: true,
    retentionDays: true,
    nfs: true,
    image: true,
    runAsUser: true,
    maxAgeHours: true,
  }),
  nfs: keysOf<NfsTarget>({ server: true, path: true, folder: true }),
};

const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;
const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** Checks a `backups` section; problems under `backups.*`. */
export function checkBackups(problems: Problems, backups: unknown): void {
  if (backups === undefined) return;
  if (!isPlainObject(backups)) {
    problems.add('backups', backups, 'an object: { etcd?: { nfs: { server, path }, schedule?, retentionDays?, ... } }');
    return;
  }
  checkKnownKeys(problems, 'backups', backups, BACKUP_KEYS.backups);
  if (backups.etcd === undefined) return;
  if (!isPlainObject(backups.etcd)) {
    problems.add('backups.etcd', backups.etcd, ETCD_SETTINGS_SHAPE);
    return;
  }
  checkEtcdSnapshotSettings(problems.scope('backups.etcd'), backups.etcd);
}

const ETCD_SETTINGS_SHAPE = 'an object: { nfs: { server, path }, schedule?, timeZone?, retentionDays?, image?, runAsUser?, maxAgeHours? }';

/** Checks etcd snapshot settings (field names relative to the settings). */
export function checkEtcdSnapshotSettings(p: Problems, s: Record<string, unknown>): void {
  checkKnownKeys(p, '', s, BACKUP_KEYS.etcd);
  const e = s as unknown as EtcdSnapshotSettings;
  if (e.schedule !== undefined && (typeof e.schedule !== 'string' || !isCronSchedule(e.schedule))) {
    p.add(
      'schedule',
      e.schedule,
      'a cron schedule: five fields of digits, "*", ranges, lists and steps ("45 3 * * *"), or @daily and the like',
    );
  }
  if (e.timeZone !== undefined && (typeof e.timeZone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(e.timeZone))) {
    p.add('timeZone', e.timeZone, 'an IANA time zone name such as "Etc/UTC" or "Europe/Berlin"');
  }
  if (e.retentionDays !== undefined) p.integer('retentionDays', e.retentionDays, 1, 3650);
  if (e.runAsUser !== undefined) p.integer('runAsUser', e.runAsUser, 1, 2147483647);
  if (e.maxAgeHours !== undefined) p.integer('maxAgeHours', e.maxAgeHours, 1, 8760);
  if (e.image !== undefined) p.pinnedImage('image', e.image, 'e.g. "registry.k8s.io/etcd:3.6.4-0"');
  if (!isPlainObject(e.nfs)) {
    p.add('nfs', e.nfs, 'the NFS export: { server: "10.0.0.12", path: "/exports/backups" }');
    return;
  }
  checkKnownKeys(p, 'nfs', e.nfs, BACKUP_KEYS.nfs);
  const server = e.nfs.server;
  if (typeof server !== 'string' || !(new Problems().ipv4('server', server) || new Problems().hostname('server', server))) {
    p.add('nfs.server', server, 'the NFS server: an IPv4 address or a hostname');
  }
  const path = e.nfs.path;
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._/-]*$/.test(path) || path.split('/').some((x) => x === '..' || x === '.')) {
    p.add('nfs.path', path, 'an absolute folder of letters, digits, ".", "_", "-" and "/" (no "..")', 'e.g. "/mnt/user/kube_storage"');
  }
  const folder = e.nfs.folder;
  if (
    folder !== undefined &&
    (typeof folder !== 'string' ||
      !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(folder) ||
      folder.split('/').some((x) => x === '..' || x === '.'))
  ) {
    p.add('nfs.folder', folder, 'a relative folder of letters, digits, ".", "_", "-" and "/" (no leading "/", no "..")', 'e.g. "backups"');
  }
}

/** True for a cron schedule of five fields or a macro. */
export function isCronSchedule(schedule: string): boolean {
  if (CRON_MACRO.test(schedule)) return true;
  const fields = schedule.trim().split(/\s+/);
  return schedule.trim() === schedule && fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
}

/** Applies the defaults of checked snapshot settings. */
export function resolveEtcdSnapshotSettings(s: EtcdSnapshotSettings): ResolvedEtcdSnapshotSettings {
  return {
    schedule: s.schedule ?? ETCD_SNAPSHOT_DEFAULTS.schedule,
    timeZone: s.timeZone ?? ETCD_SNAPSHOT_DEFAULTS.timeZone,
    retentionDays: s.retentionDays ?? ETCD_SNAPSHOT_DEFAULTS.retentionDays,
    nfs: { server: s.nfs.server, path: s.nfs.path, ...(s.nfs.folder ? { folder: s.nfs.folder } : {}) },
    ...(s.image !== undefined ? { image: s.image } : {}),
    runAsUser: s.runAsUser ?? ETCD_SNAPSHOT_DEFAULTS.runAsUser,
    maxAgeHours: s.maxAgeHours ?? ETCD_SNAPSHOT_DEFAULTS.maxAgeHours,
  };
}

/**
 * The image the chart runs a deployed etcd with, from the final Helm values: `registry/repository:tag`
 * of `controlPlane.backingStore.etcd.deploy.statefulSet.image` (the chart's defaults where unset),
 * or `controlPlane.advanced.defaultImageRegistry` in place of the registry, as the chart's
 * `vcluster.image` helper builds it.
 */
export function deployedEtcdImage(helmValues: unknown): string {
  const image = (key: 'registry' | 'repository' | 'tag'): string => {
    const v = valueAtPath(helmValues, ['controlPlane', 'backingStore', 'etcd', 'deploy', 'statefulSet', 'image', key]);
    return typeof v === 'string' ? v : CHART_ETCD_IMAGE[key];
  };
  const defaultRegistry = valueAtPath(helmValues, ['controlPlane', 'advanced', 'defaultImageRegistry']);
  const registry = typeof defaultRegistry === 'string' && defaultRegistry ? defaultRegistry : image('registry');
  return `${registry ? `${registry}/` : ''}${image('repository')}:${image('tag')}`;
}
