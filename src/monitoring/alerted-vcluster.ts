/**
 * The names the alerts of one vcluster watch, read from the vcluster ({@link IVCluster}: names,
 * environment, deployed etcd) and from the features the resolved declaration renders for it.
 */
import type { KubeconfigSyncStrategy } from '../registration/settings';
import type { IVCluster } from '../vcluster/ivcluster';
import type { AlertedVCluster, NamespacedName } from './vcluster-alert-rules';

/** What decides which objects of a vcluster exist (and so are watched). */
export interface AlertedVClusterFacts {
  /** The vcluster: its derived names, environment label and deployed etcd members are read from it. */
  readonly vcluster: Pick<IVCluster, 'names' | 'environment' | 'etcdMembers'>;
  /** Argo CD's namespace. */
  readonly argocdNamespace: string;
  /** True when the vcluster runs on another host cluster (its bootstrap is split into `fleet-<name>` and `fleet-<name>-host`). @default false */
  readonly remoteHost?: boolean;
  /** How the kubeconfig reaches the secret store. */
  readonly kubeconfigSync: KubeconfigSyncStrategy;
  /** Whether the etcd snapshot CronJob `<name>-etcd-snapshot` is rendered. @default false */
  readonly etcdSnapshot?: boolean;
  /** Hours without a successful snapshot before the snapshot alert fires. @default 26 */
  readonly etcdSnapshotMaxAgeHours?: number;
  /** Further Certificates rendered for the vcluster. @default [] */
  readonly certificates?: readonly NamespacedName[];
}

/**
 * The {@link AlertedVCluster} of a vcluster: its Application `vcluster-<name>` and bootstrap
 * Application(s); the cluster registration ExternalSecret `<name>-argocd-cluster` (Argo CD's
 * namespace) and the kubeconfig ExternalSecret `<name>-kubeconfig`; with the PushSecret strategy the
 * PushSecret `<name>-kubeconfig-push`, with the Job strategy the Job `vcluster-<name>-kubeconfig-sync`
 * and its token ExternalSecret `<name>-onepassword-token`; with snapshots the CronJob
 * `<name>-etcd-snapshot`; and the Certificates named in `certificates`.
 */
export function alertedVCluster(f: AlertedVClusterFacts): AlertedVCluster {
  const n = f.vcluster.names;
  const here = (name: string): NamespacedName => ({ name, namespace: n.namespace });
  const job = f.kubeconfigSync === 'job';
  return {
    name: n.release,
    namespace: n.namespace,
    environment: f.vcluster.environment,
    argocdNamespace: f.argocdNamespace,
    application: n.application,
    bootstrapApplications: f.remoteHost ? [n.bootstrapApplication, `${n.bootstrapApplication}-host`] : [n.bootstrapApplication],
    externalSecrets: [
      { name: n.clusterExternalSecret, namespace: f.argocdNamespace },
      here(n.kubeconfigExternalSecret),
      ...(job ? [here(n.onePasswordToken)] : []),
    ],
    pushSecrets: job ? [] : [here(n.pushSecret)],
    jobs: job ? [here(n.syncJob)] : [],
    etcdMembers: f.vcluster.etcdMembers,
    certificates: [...(f.certificates ?? [])],
    ...(f.etcdSnapshot ? { etcdSnapshots: [{ ...here(n.etcdSnapshot), maxAgeHours: f.etcdSnapshotMaxAgeHours ?? 26 }] } : {}),
  };
}
