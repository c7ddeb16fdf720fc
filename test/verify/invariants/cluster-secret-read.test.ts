import { noClusterSecretRead, unnamedSecretReads } from '../../../src/verify/invariants/cluster-secret-read';
import { Json } from '../../../src/verify/model';
import { NS, chart, ours, whole } from '../fixtures';

const RBAC = 'rbac.authorization.k8s.io/v1';
const clusterRole = (name: string, rules: Json[]) =>
  chart({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules }, 'templates/clusterrole.yaml');
const binding = (kind: string, role: string) =>
  ours({
    apiVersion: RBAC,
    kind,
    metadata: { name: `${role}-${kind}`, namespace: NS },
    roleRef: { kind: 'ClusterRole', name: role },
    subjects: [],
  });

describe('no-cluster-secret-read', () => {
  test('violated: the chart rule secrets [list, watch] without resourceNames, beside a narrower rule that narrows nothing', () => {
    const v = whole([
      clusterRole('vc-demo', [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['token'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['list'] },
      ]),
      binding('ClusterRoleBinding', 'vc-demo'),
    ]);
    const out = noClusterSecretRead.check(v);
    expect(out.map((x) => [x.object, x.file, x.message])).toEqual([
      [
        'ClusterRole/vc-demo',
        'chart vcluster-0.31.3 templates/clusterrole.yaml',
        'rules[1] grants list, watch on every Secret of the host cluster (no resourceNames)',
      ],
    ]);
    expect(out[0].fix).toContain('sync.fromHost.secrets');
  });

  test('violated: wildcards (resources *, verbs *) of ours; unbound ClusterRoles count as cluster-wide', () => {
    const role = ours({
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'admin-ish' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    expect(noClusterSecretRead.check(whole([role])).map((x) => [x.message, x.fix])).toEqual([
      [
        'rules[0] grants * on every Secret of the host cluster (no resourceNames)',
        'name the Secrets in resourceNames, or use a Role in their namespace',
      ],
    ]);
  });

  test('holds: reads narrowed by resourceNames; a ClusterRole bound only by RoleBindings; other groups', () => {
    const v = whole([
      clusterRole('named', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: ['eso-token'] }]),
      binding('ClusterRoleBinding', 'named'),
      clusterRole('ns-only', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
      binding('RoleBinding', 'ns-only'),
      clusterRole('other-group', [{ apiGroups: ['example.com'], resources: ['secrets'], verbs: ['list'] }]),
    ]);
    expect(noClusterSecretRead.check(v)).toEqual([]);
  });

  test('unnamedSecretReads: only the read verbs', () => {
    expect(unnamedSecretReads({ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'delete'] })).toEqual(['get']);
    expect(unnamedSecretReads({ apiGroups: [''], resources: ['secrets'], verbs: ['create'] })).toEqual([]);
  });
});
