/**
 * The backing store of a vcluster's control plane (`controlPlane.backingStore`), and the rule that
 * makes a highly available control plane correct: the chart's default store (embedded SQLite)
 * serves one replica only, so more replicas without a store of their own get a deployed etcd.
 */
import { checkBackingStoreEtcdArgs } from '../etcd/client-auth';
import { DEFAULT_HA_ETCD_MEMBERS, REPLICA_LIMITS } from '../presets';
import { Problems } from '../validation';
import { JsonObject, VClusterHelmValues, deepMerge, valueAtPath } from './helm-values';

/** The `controlPlane.backingStore` values of the chart (embedded store when omitted). */
export type BackingStore = NonNullable<NonNullable<VClusterHelmValues['controlPlane']>['backingStore']>;

/** The stores a `backingStore` value can enable; at most one may be. */
const STORES: ReadonlyArray<readonly [string, string]> = [
  ['etcd', 'deploy'],
  ['etcd', 'embedded'],
  ['etcd', 'external'],
  ['database', 'embedded'],
  ['database', 'external'],
];

/** Which stores a `backingStore` value enables (`etcd.deploy`, `database.external`, ...). */
export function enabledBackingStores(backingStore: unknown): string[] {
  return STORES.filter((k) => valueAtPath(backingStore, [...k, 'enabled']) === true).map((k) => k.join('.'));
}

/**
 * The backing store a control plane of `replicas` replicas runs on: the given one, or, for more
 * than one replica without an enabled store, a deployed etcd of {@link DEFAULT_HA_ETCD_MEMBERS}
 * members (merged under whatever the given value sets).
 */
export function effectiveBackingStore(backingStore: BackingStore | undefined, replicas: number): BackingStore | undefined {
  if (replicas <= 1 || enabledBackingStores(backingStore).length > 0) return backingStore;
  return deepMerge(
    { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: DEFAULT_HA_ETCD_MEMBERS } } } } },
    backingStore as JsonObject | undefined,
  ) as BackingStore;
}

/** Members of the etcd a backing store deploys; 0 when it deploys none. */
export function deployedEtcdMembers(backingStore: unknown): number {
  if (valueAtPath(backingStore, ['etcd', 'deploy', 'enabled']) !== true) return 0;
  return Number(valueAtPath(backingStore, ['etcd', 'deploy', 'statefulSet', 'highAvailability', 'replicas']) ?? 1);
}

/**
 * Checks a declared backing store: a map, at most one enabled store, etcd members within
 * {@link REPLICA_LIMITS}, no volume retention policy of its own (the deletion policy decides it),
 * and etcd arguments that keep client-certificate auth.
 */
export function checkBackingStore(problems: Problems, field: string, backingStore: unknown): void {
  if (!problems.object(field, backingStore, "the chart's controlPlane.backingStore values, e.g. { etcd: { deploy: { enabled: true } } }"))
    return;
  const stores = enabledBackingStores(backingStore);
  if (stores.length > 1) {
    problems.add(
      field,
      stores,
      'at most one enabled backing store (etcd.deploy, etcd.embedded, etcd.external, database.embedded or database.external)',
      'keep one and remove the others',
    );
  }
  const retention = valueAtPath(backingStore, ['etcd', 'deploy', 'statefulSet', 'persistence', 'volumeClaim', 'retentionPolicy']);
  if (retention !== undefined) {
    problems.add(
      `${field}.etcd.deploy.statefulSet.persistence.volumeClaim.retentionPolicy`,
      retention,
      'no value here: deletionPolicy decides whether the etcd volumes are kept ("retain" → Retain, "delete" → Delete)',
      'remove it and set deletionPolicy',
    );
  }
  checkBackingStoreEtcdArgs(problems, field, backingStore);
  const members = valueAtPath(backingStore, ['etcd', 'deploy', 'statefulSet', 'highAvailability', 'replicas']);
  if (members !== undefined) {
    const { min, max } = REPLICA_LIMITS.etcdMembers;
    problems.integer(`${field}.etcd.deploy.statefulSet.highAvailability.replicas`, members, min, max);
  }
}
