/**
 * The operations add-ons of a resolved declaration: what keeps a vcluster observable, recoverable
 * and cleanly removable. Alerts (when the site renders them), the etcd disruption budget (every
 * deployed etcd), etcd snapshots (retained vclusters with a deployed etcd, when the site has a
 * target) and the volume cleanup hook (vclusters deleted with their file).
 */
import type { PvCleanupHookProps } from '../cleanup/pv-cleanup-hook';
import { HOST_MANIFESTS_PATH } from '../cleanup/pv-cleanup-hook';
import type { EtcdSnapshotProps } from '../etcd/etcd-snapshot';
import type { VClusterAlertsForVClusterProps } from '../monitoring/vcluster-alerts';
import type { VClusterNames } from '../naming';
import type { DeletionPolicy } from '../presets';
import type { KubeconfigSyncStrategy } from '../registration/settings';
import { Problems } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';
import { IN_CLUSTER_SERVER, Platform } from './platform';
import type { VClusterSpec } from './spec';

/** Props of an add-on without the vcluster it binds to. */
type AddOn<P> = Omit<P, 'vcluster'>;

/** The operations add-ons of one vcluster, as the chart builds them. */
export interface OperationsProps {
  /** Props of the VClusterAlerts, when the site renders alerts. */
  readonly alerts?: AddOn<VClusterAlertsForVClusterProps>;
  /** Whether the vcluster gets an EtcdDisruptionBudget (it deploys an etcd). */
  readonly etcdDisruptionBudget: boolean;
  /** Props of the EtcdSnapshot: a retained vcluster with a deployed etcd, on a site with a snapshot target. */
  readonly etcdSnapshot?: AddOn<EtcdSnapshotProps>;
  /** Props of the PvCleanupHook: a vcluster deleted with its file. */
  readonly pvCleanup?: AddOn<PvCleanupHookProps>;
}

/** What the operations add-ons depend on, resolved. */
export interface OperationsInputs {
  readonly names: VClusterNames;
  readonly deletionPolicy: DeletionPolicy;
  readonly etcdMembers: number;
  readonly kubeconfigSync: KubeconfigSyncStrategy;
  readonly destinationServer: string;
}

/**
 * The operations add-ons of a declaration. Records a problem when the declaration's escape hatch
 * would replace the volume cleanup hook.
 */
export function operationsProps(problems: Problems, spec: VClusterSpec, platform: Platform, r: OperationsInputs): OperationsProps {
  const snapshots = platform.backups.etcd;
  const etcdSnapshot: OperationsProps['etcdSnapshot'] =
    snapshots && r.deletionPolicy === 'retain' && r.etcdMembers > 0
      ? { ...snapshots, shellImage: platform.images.kubectl, policyLabels: platform.network.policyLabels ?? {} }
      : undefined;
  const deleted = r.deletionPolicy === 'delete';
  const manifests = valueAtPath(spec.helmValues, HOST_MANIFESTS_PATH);
  if (deleted && manifests !== undefined) {
    problems.add(
      `helmValues.${HOST_MANIFESTS_PATH.join('.')}`,
      manifests,
      'nothing here while deletionPolicy is "delete": it holds the hook that removes the host volumes after the vcluster',
      'put host manifests of your own in helmValues.experimental.deploy.host.manifestsTemplate',
    );
  }
  const n = platform.network;
  const m = platform.monitoring;
  return {
    etcdDisruptionBudget: r.etcdMembers > 0,
    etcdSnapshot,
    pvCleanup: deleted
      ? { image: platform.images.kubectl, cilium: n.cilium, kubeApiCidrs: n.kubeApiCidrs, kubeApiPort: n.kubeApiPort }
      : undefined,
    alerts: m.alerts
      ? {
          argocdNamespace: platform.argocd.namespace,
          remoteHost: r.destinationServer !== IN_CLUSTER_SERVER,
          kubeconfigSync: r.kubeconfigSync,
          etcdSnapshot: etcdSnapshot !== undefined,
          etcdSnapshotMaxAgeHours: snapshots?.maxAgeHours,
          runbookUrl: m.runbookUrl,
          ruleLabels: m.ruleLabels,
          namespace: m.namespace,
        }
      : undefined,
  };
}
