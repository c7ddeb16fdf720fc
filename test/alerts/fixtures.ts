/**
 * Fixture vclusters for the alert tests: a prod one with a deployed 3-member etcd, its PKI and snapshots
 * (PushSecret strategy), and a dev one in a namespace of another name on a remote host (Job
 * strategy, embedded store). Neither namespace matches `vcluster-.+`: the alerts must name each
 * vcluster's real namespace. The promtool unit tests in this folder use exactly these names.
 */
import { VClusterNames } from '../../src/naming';
import { alertedVCluster } from '../../src/monitoring/alerted-vcluster';
import { AlertedVCluster } from '../../src/monitoring/vcluster-alert-rules';

/** README URL of the runbook annotations in the fixtures. */
export const RUNBOOK = 'https://git.example.com/fleet/README.md';

/** Argo CD's namespace in the fixtures. */
export const ARGOCD_NAMESPACE = 'argocd';

/** prod: release `media` in namespace `media`, 3 etcd members, snapshots, three Certificates, PushSecret. */
export const PROD: AlertedVCluster = alertedVCluster({
  vcluster: { names: new VClusterNames({ name: 'media' }), environment: 'production', etcdMembers: 3 },
  argocdNamespace: ARGOCD_NAMESPACE,
  kubeconfigSync: 'pushSecret',
  etcdSnapshot: true,
  certificates: ['ca', 'server', 'peer'].map((c) => ({ name: `media-etcd-${c}`, namespace: 'media' })),
});

/** dev: release `sandbox` in namespace `team-sandbox` on another host cluster, Job strategy, embedded store. */
export const DEV: AlertedVCluster = alertedVCluster({
  vcluster: { names: new VClusterNames({ name: 'sandbox', namespace: 'team-sandbox' }), environment: 'development', etcdMembers: 0 },
  argocdNamespace: ARGOCD_NAMESPACE,
  remoteHost: true,
  kubeconfigSync: 'job',
});
