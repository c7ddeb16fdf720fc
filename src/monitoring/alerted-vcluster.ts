/**
 * The names the alerts of one vcluster watch, derived from its {@link VClusterNames} and the
 * features it renders.
 */
import type { VClusterNames } from '../naming';
import type { AlertedVCluster, NamespacedName } from './vcluster-alert-rules';

/** What decides which objects of a vcluster exist (and so are watched). */
export interface AlertedVClusterFacts {
  /** The vcluster's derived names. */
  readonly names: VClusterNames;
  /** Environment label (e.g. `production`). */
  readonly environment: string;
  /** Argo CD's namespace. */
  readonly argocdNamespace: string;
  /** True when the vcluster runs on another host cluster (its bootstrap is split into `fleet-<name>` and `fleet-<name>-host`). @default false */
  readonly remoteHost?: boolean;
  /** How the kubeconfig reaches the secret store. */
  readonly kubeconfigSync: 'pushSecret' | 'job';
  /** Members of the deployed etcd; 0 for an embedded store. @default 0 */
  readonly etcdMembers?: number;
  /** Whether the etcd PKI (Certificates `<name>-etcd-ca|server|peer` and the merge Job) is rendered. @default false */
  readonly etcdPki?: boolean;
  /** Further Certificates rendered for the vcluster. @default [] */
  readonly certificates?: readonly NamespacedName[];
}

/**
 * The {@link AlertedVCluster} of a vcluster: its Application `vcluster-<name>` and bootstrap
 * Application(s); the cluster registration ExternalSecret `<name>-argocd-cluster` (Argo CD's
 * namespace) and the kubeconfig ExternalSecret `<name>-kubeconfig`; with the PushSecret strategy the
 * PushSecret `<name>-kubeconfig-push`, with the Job strategy the Job `vcluster-<name>-kubeconfig-sync`
 * and its token ExternalSecret `<name>-onepassword-token`; with the etcd PKI the Certificates
 * `<name>-etcd-ca`, `-server`, `-peer` and the Job `<name>-etcd-certs-merge`.
 */
export function alertedVCluster(f: AlertedVClusterFacts): AlertedVCluster {
  const n = f.names;
  const here = (name: string): NamespacedName => ({ name, namespace: n.namespace });
  const job = f.kubeconfigSync === 'job';
  return {
    name: n.release,
    namespace: n.namespace,
    environment: f.environment,
    argocdNamespace: f.argocdNamespace,
    application: n.application,
    bootstrapApplications: f.remoteHost ? [n.bootstrapApplication, `${n.bootstrapApplication}-host`] : [n.bootstrapApplication],
    externalSecrets: [
      { name: n.clusterExternalSecret, namespace: f.argocdNamespace },
      here(n.kubeconfigExternalSecret),
      ...(job ? [here(n.onePasswordToken)] : []),
    ],
    pushSecrets: job ? [] : [here(n.pushSecret)],
    jobs: [...(f.etcdPki ? [here(n.etcdCertsMerge)] : []), ...(job ? [here(n.syncJob)] : [])],
    etcdMembers: f.etcdMembers ?? 0,
    certificates: [...(f.etcdPki ? ['ca', 'server', 'peer'].map((c) => here(`${n.etcdPkiPrefix}-${c}`)) : []), ...(f.certificates ?? [])],
  };
}
