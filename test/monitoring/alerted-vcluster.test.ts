/** alertedVCluster: the objects a vcluster's alerts watch follow the features it renders. */
import { VClusterNames } from '../../src/naming';
import { githubReadmeUrl, runbookAnchor, ALERT_NAMES } from '../../src/monitoring/alert-rules';
import { alertedVCluster } from '../../src/monitoring/alerted-vcluster';

const names = new VClusterNames({ name: 'media', namespace: 'tenants' });

test('PushSecret strategy, deployed etcd, certificates, on the Argo CD cluster', () => {
  expect(
    alertedVCluster({
      vcluster: { names, environment: 'production', etcdMembers: 3 },
      argocdNamespace: 'argocd',
      kubeconfigSync: 'pushSecret',
      certificates: ['ca', 'server', 'peer'].map((c) => ({ name: `media-etcd-${c}`, namespace: 'tenants' })),
    }),
  ).toEqual({
    name: 'media',
    namespace: 'tenants',
    environment: 'production',
    argocdNamespace: 'argocd',
    application: 'vcluster-media',
    bootstrapApplications: ['fleet-media'],
    externalSecrets: [
      { name: 'media-argocd-cluster', namespace: 'argocd' },
      { name: 'media-kubeconfig', namespace: 'tenants' },
    ],
    pushSecrets: [{ name: 'media-kubeconfig-push', namespace: 'tenants' }],
    jobs: [],
    etcdMembers: 3,
    certificates: [
      { name: 'media-etcd-ca', namespace: 'tenants' },
      { name: 'media-etcd-server', namespace: 'tenants' },
      { name: 'media-etcd-peer', namespace: 'tenants' },
    ],
  });
});

test('Job strategy, embedded store, remote host, an extra certificate', () => {
  const a = alertedVCluster({
    vcluster: { names, environment: 'development', etcdMembers: 0 },
    argocdNamespace: 'gitops',
    kubeconfigSync: 'job',
    remoteHost: true,
    certificates: [{ name: 'media-api', namespace: 'gateway' }],
  });
  expect(a.bootstrapApplications).toEqual(['fleet-media', 'fleet-media-host']);
  expect(a.externalSecrets).toEqual([
    { name: 'media-argocd-cluster', namespace: 'gitops' },
    { name: 'media-kubeconfig', namespace: 'tenants' },
    { name: 'media-onepassword-token', namespace: 'tenants' },
  ]);
  expect(a.pushSecrets).toEqual([]);
  expect(a.jobs).toEqual([{ name: 'vcluster-media-kubeconfig-sync', namespace: 'tenants' }]);
  expect(a.etcdMembers).toBe(0);
  expect(a.certificates).toEqual([{ name: 'media-api', namespace: 'gateway' }]);
});

test('snapshots: the CronJob <name>-etcd-snapshot is watched with its maximum age (26 hours by default)', () => {
  const base = {
    vcluster: { names, environment: 'production', etcdMembers: 3 },
    argocdNamespace: 'argocd',
    kubeconfigSync: 'pushSecret',
  } as const;
  expect(alertedVCluster({ ...base, etcdSnapshot: true }).etcdSnapshots).toEqual([
    { name: 'media-etcd-snapshot', namespace: 'tenants', maxAgeHours: 26 },
  ]);
  expect(alertedVCluster({ ...base, etcdSnapshot: true, etcdSnapshotMaxAgeHours: 30 }).etcdSnapshots).toEqual([
    { name: 'media-etcd-snapshot', namespace: 'tenants', maxAgeHours: 30 },
  ]);
  expect(alertedVCluster(base).etcdSnapshots).toBeUndefined();
});

test('the README URL of a GitHub repository, for the runbook annotations', () => {
  expect(githubReadmeUrl('https://github.com/example/fleet.git', 'main')).toBe('https://github.com/example/fleet/blob/main/README.md');
  expect(githubReadmeUrl('https://github.com/example/fleet', 'v1.2')).toBe('https://github.com/example/fleet/blob/v1.2/README.md');
  expect(githubReadmeUrl('https://gitlab.example.com/example/fleet.git', 'main')).toBeUndefined();
  expect(githubReadmeUrl('git@github.com:example/fleet.git', 'main')).toBeUndefined();
  expect(githubReadmeUrl('https://github.com/example/fleet', 'main"}')).toBeUndefined();
});

test('runbook anchors are unique per alert', () => {
  expect(new Set(ALERT_NAMES.map(runbookAnchor)).size).toBe(ALERT_NAMES.length);
  expect(runbookAnchor('VClusterNotReady')).toBe('alert-vclusternotready');
});
