import { VClusterNames } from '../src';
import { helmTrunc63, safeConcatName } from '../src/naming';
import { Problems } from '../src/validation';

describe('VClusterNames', () => {
  test('keeps the names the original platform gave vcluster-media', () => {
    // GIVEN the production vcluster's inputs
    const n = new VClusterNames({
      name: 'vcluster-media',
      namespace: 'vcluster-media',
      project: 'vcluster-media',
    });
    // THEN every live name is unchanged
    expect({
      release: n.release,
      namespace: n.namespace,
      project: n.project,
      application: n.application,
      clusterSecret: n.clusterSecret,
      clusterExternalSecret: n.clusterExternalSecret,
      argocdClusterName: n.argocdClusterName('integratn.tech'),
      kubeconfigSecret: n.kubeconfigSecret,
      onePasswordItem: n.onePasswordItem,
      kubeconfigExternalTarget: n.kubeconfigExternalTarget,
      syncJob: n.syncJob,
      chartClusterRole: n.chartClusterRole,
    }).toEqual({
      release: 'vcluster-media',
      namespace: 'vcluster-media',
      project: 'vcluster-media',
      application: 'vcluster-vcluster-media',
      clusterSecret: 'cluster-vcluster-media',
      clusterExternalSecret: 'vcluster-media-argocd-cluster',
      argocdClusterName: 'vcluster-media.integratn-tech',
      kubeconfigSecret: 'vc-vcluster-media',
      onePasswordItem: 'vcluster-media-kubeconfig',
      kubeconfigExternalTarget: 'vcluster-media-kubeconfig-external',
      syncJob: 'vcluster-vcluster-media-kubeconfig-sync',
      chartClusterRole: 'vc-vcluster-media-v-vcluster-media',
    });
    expect(n.etcdMembers(3)).toEqual(['vcluster-media-etcd-0', 'vcluster-media-etcd-1', 'vcluster-media-etcd-2']);
  });

  test('defaults: namespace = name, project = vcluster-<name>', () => {
    const n = new VClusterNames({ name: 'sandbox' });
    expect(n.namespace).toBe('sandbox');
    expect(n.project).toBe('vcluster-sandbox');
    expect(n.argocdClusterName('example.com')).toBe('sandbox.example-com');
  });

  test('a derived name over 63 characters is reported with the field and how much to cut', () => {
    // GIVEN a 40-character name and the Job strategy (vcluster-<name>-kubeconfig-sync = 65)
    const name = 'a'.repeat(40);
    const p = new Problems();
    new VClusterNames({ name }).check(p, {
      kubeconfigSync: 'job',
      deployedEtcd: 0,
      gatewayRoute: false,
    });
    // THEN one problem names the field, the value and the derived name
    expect(p.list).toHaveLength(1);
    expect(p.list[0]).toMatchObject({ field: 'name', value: name });
    expect(p.list[0].allowed).toContain(`the kubeconfig sync Job "vcluster-${name}-kubeconfig-sync" has at most 63 characters (it has 65)`);
    expect(p.list[0].fix).toBe('shorten name by 2 characters');
  });

  test('the same name fits with the PushSecret strategy', () => {
    const p = new Problems();
    new VClusterNames({ name: 'a'.repeat(40) }).check(p, {
      kubeconfigSync: 'pushSecret',
      deployedEtcd: 0,
      gatewayRoute: false,
    });
    expect(p.ok).toBe(true);
  });

  test('the PushSecret of the Secret kept inside the vcluster must fit too', () => {
    const p = new Problems();
    new VClusterNames({ name: 'c'.repeat(30) }).check(p, {
      kubeconfigSync: 'pushSecret',
      deployedEtcd: 0,
      gatewayRoute: false,
      vclusterSecret: 'eso-onepassword-token',
    });
    // c×30 + "-eso-onepassword-token-push" = 57: fits; a longer Secret name would not
    expect(p.ok).toBe(true);
    new VClusterNames({ name: 'c'.repeat(40) }).check(p, {
      kubeconfigSync: 'pushSecret',
      deployedEtcd: 0,
      gatewayRoute: false,
      vclusterSecret: 'eso-onepassword-token',
    });
    expect(p.list.map((x) => x.fix)).toEqual(['shorten name by 4 characters']);
    expect(p.list[0].allowed).toContain('the PushSecret of the Secret kept inside the vcluster');
  });

  test('release names over 53 characters are refused (Helm limit)', () => {
    const p = new Problems();
    new VClusterNames({ name: 'b'.repeat(54) }).check(p, {
      kubeconfigSync: 'pushSecret',
      deployedEtcd: 0,
      gatewayRoute: false,
    });
    expect(p.list.map((x) => x.allowed).join('\n')).toContain('the Helm release name');
  });
  test('managedBy is the label value the vcluster syncer puts on host PVs: <namespace>-x-<name>, hashed beyond 63 like SafeConcatName', () => {
    // vcluster-media lives in its own name: the original's N-x-T and the syncer's T-x-N agree
    expect(new VClusterNames({ name: 'vcluster-media' }).managedBy).toBe('vcluster-media-x-vcluster-media');
    // another namespace: the host namespace comes first (pkg/util/translate MarkerLabelCluster)
    expect(new VClusterNames({ name: 'sandbox', namespace: 'team-sandbox' }).managedBy).toBe('team-sandbox-x-sandbox');
    // over 63 characters: 52 characters, "-", 10 hex digits of the SHA-256 (value checked against the Go function)
    expect(new VClusterNames({ name: 'b'.repeat(30), namespace: 'a'.repeat(40) }).managedBy).toBe(
      `${'a'.repeat(40)}-x-bbbbbbbbb-99ad6906de`,
    );
  });

  test('safeConcatName: joined as is up to the limit, hashed to exactly the limit beyond it', () => {
    expect(safeConcatName(63, 'a', 'x', 'b')).toBe('a-x-b');
    expect(safeConcatName(63, 'c'.repeat(63))).toBe('c'.repeat(63));
    expect(safeConcatName(63, 'c'.repeat(64))).toHaveLength(63);
    expect(safeConcatName(52, 'b'.repeat(45), 'etcd-snapshot')).toBe(`${'b'.repeat(41)}-0a2aaeca26`);
  });

  test('operations names: etcd budget and snapshot, snapshot policies, volume cleanup hook', () => {
    const n = new VClusterNames({ name: 'vcluster-media' });
    expect({
      etcdDisruptionBudget: n.etcdDisruptionBudget,
      etcdSnapshot: n.etcdSnapshot,
      etcdSnapshotClaim: n.etcdSnapshotClaim,
      etcdSnapshotVolume: n.etcdSnapshotVolume,
      etcdSnapshotEgressPolicy: n.etcdSnapshotEgressPolicy,
      etcdSnapshotIngressPolicy: n.etcdSnapshotIngressPolicy,
      pvCleanup: n.pvCleanup,
      pvCleanupClusterRole: n.pvCleanupClusterRole,
    }).toEqual({
      etcdDisruptionBudget: 'vcluster-media-etcd',
      etcdSnapshot: 'vcluster-media-etcd-snapshot',
      etcdSnapshotClaim: 'vcluster-media-etcd-snapshots',
      etcdSnapshotVolume: 'vcluster-media-vcluster-media-etcd-snapshots',
      etcdSnapshotEgressPolicy: 'allow-etcd-snapshot-egress',
      etcdSnapshotIngressPolicy: 'allow-etcd-from-snapshot',
      pvCleanup: 'vcluster-media-pv-cleanup',
      pvCleanupClusterRole: 'vcluster-media-x-vcluster-media-pv-cleanup',
    });
    // a 45-character name: the CronJob stays within 52 characters, the Job within 63
    const long = new VClusterNames({ name: 'b'.repeat(45) });
    expect(long.etcdSnapshot).toBe(`${'b'.repeat(41)}-0a2aaeca26`);
    expect(new VClusterNames({ name: 'b'.repeat(53) }).pvCleanup).toBe(`${'b'.repeat(52)}-d59292c8c2`);
  });
});

describe('names the chart and the syncer derive (cluster-scoped on the host)', () => {
  test('the ClusterRole is cut as the chart cuts it: trunc 63, then one trailing "-" removed', () => {
    const n = new VClusterNames({ name: 'a'.repeat(50), namespace: 'b'.repeat(6) + '-c' });
    // vc- + 50 + -v- = 56 characters, then "bbbbbb-" fills 63 and its "-" goes
    expect(n.chartClusterRole).toBe(`vc-${'a'.repeat(50)}-v-${'b'.repeat(6)}`);
    expect(n.chartClusterRoleMultiNamespace).toBe(`vc-mn-${'a'.repeat(50)}-v-bbbb`);
    expect(helmTrunc63('x'.repeat(62) + '--y')).toBe('x'.repeat(62));
  });

  test('the host-object marker is <namespace>-x-<name>, hashed over 63 characters as the syncer hashes it', () => {
    expect(new VClusterNames({ name: 'vcluster-media' }).managedBy).toBe('vcluster-media-x-vcluster-media');
    // sha256("aaaa…-x-bbbb…") computed independently (Python hashlib): first 52 characters, "-", 10 hex digits
    expect(safeConcatName(63, 'a'.repeat(40), 'x', 'b'.repeat(30))).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x-bbbbbbbbb-99ad6906de');
    expect(new VClusterNames({ name: 'b'.repeat(30), namespace: 'a'.repeat(40) }).managedBy).toBe(
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x-bbbbbbbbb-99ad6906de',
    );
    expect(new VClusterNames({ name: 'app', namespace: 'team' }).hostClusterObjectName('data')).toBe('vcluster-data-x-team-x-app');
  });
});
