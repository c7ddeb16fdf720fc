/**
 * The Helm values guard, as a VCluster built alone applies it to its final values: one refusal per
 * rule (exact message), embedded manifests and charts, exceptions (own and the site's), and the
 * purity of the findings.
 */
import { Chart, Testing } from 'cdk8s';
import { VCluster } from '../../src';
import { Problems, formatProblem } from '../../src/validation';
import { GUARD_RULE_NAMES, GUARD_RULES, GuardException } from '../../src/vcluster/exceptions';
import { checkHelmValueGuard, guardHelmValues, valueAtGuardPath } from '../../src/vcluster/values-guard';

type Props = Partial<ConstructorParameters<typeof VCluster>[2]>;

/** A VCluster alone (no declaration, no chart around it). */
function build(props: Props = {}): VCluster {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  return new VCluster(chart, 'vc', { releaseName: 'demo', ...props });
}

/** Every problem line of the final values of a VCluster with these Helm values. */
function problems(helmValues: object, props: Props = {}): string[] {
  return build({ helmValues, ...props })
    .helmValueProblems()
    .list.map((p) => formatProblem(p));
}

const fix = (rule: string, path: string) =>
  `Fix: remove it; if it is really needed, add { rule: "${rule}", path: "${path}", reason: "..." } to exceptions`;
const manifests = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join('\n---\n');

describe('the guard refuses, one rule at a time (throws on a VCluster alone)', () => {
  test.each<[string, object, string]>([
    [
      'clusterAdmin',
      {
        experimental: {
          deploy: {
            vcluster: {
              manifests: manifests({
                kind: 'ClusterRoleBinding',
                metadata: { name: 'b' },
                roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
                subjects: [{ kind: 'User', name: 'alice' }],
              }),
            },
          },
        },
      },
      `helmValues.experimental.deploy.vcluster.manifests[0].roleRef.name: "cluster-admin" is not allowed. Allowed: nothing that binds cluster-admin (ClusterRoleBinding) (guard rule "clusterAdmin"). ${fix('clusterAdmin', 'experimental.deploy.vcluster.manifests[0].roleRef.name')}`,
    ],
    [
      'publicBinding',
      {
        experimental: {
          deploy: {
            vcluster: {
              manifests: manifests({
                kind: 'RoleBinding',
                metadata: { name: 'b' },
                roleRef: { kind: 'ClusterRole', name: 'view' },
                subjects: [{ kind: 'Group', name: 'system:unauthenticated' }],
              }),
            },
          },
        },
      },
      `helmValues.experimental.deploy.vcluster.manifests[0].subjects[0].name: "system:unauthenticated" is not allowed. Allowed: nothing that binds a role to system:unauthenticated (guard rule "publicBinding"). ${fix('publicBinding', 'experimental.deploy.vcluster.manifests[0].subjects[0].name')}`,
    ],
    [
      'wildcardRbac',
      { rbac: { clusterRole: { extraRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } } },
      `helmValues.rbac.clusterRole.extraRules[0].verbs[0]: "*" is not allowed. Allowed: nothing that grants verbs "*": every verb (guard rule "wildcardRbac"). ${fix('wildcardRbac', 'rbac.clusterRole.extraRules[0].verbs[0]')}`,
    ],
    [
      'rbacEscalation',
      { rbac: { role: { extraRules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }] } } },
      `helmValues.rbac.role.extraRules[0].verbs: ["escalate"] is not allowed. Allowed: nothing that grants the verb escalate (guard rule "rbacEscalation"). ${fix('rbacEscalation', 'rbac.role.extraRules[0].verbs')}`,
    ],
    [
      'clusterSecretRead',
      { rbac: { clusterRole: { extraRules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch'] }] } } },
      `helmValues.rbac.clusterRole.extraRules[0].resources: ["secrets"] is not allowed. Allowed: nothing that lets the ClusterRole read every Secret of the host cluster (secrets without resourceNames) (guard rule "clusterSecretRead"). ${fix('clusterSecretRead', 'rbac.clusterRole.extraRules[0].resources')}`,
    ],
    [
      'hostSecretMapping',
      { sync: { fromHost: { secrets: { enabled: true, mappings: { byName: { 'argocd/argocd-secret': 'x/y' } } } } } },
      `helmValues.sync.fromHost.secrets.mappings: {"byName":{"argocd/argocd-secret":"x/y"}} is not allowed. Allowed: nothing that ${GUARD_RULES.hostSecretMapping} (guard rule "hostSecretMapping"). ${fix('hostSecretMapping', 'sync.fromHost.secrets.mappings')}`,
    ],
    [
      'privileged',
      { controlPlane: { statefulSet: { security: { containerSecurityContext: { privileged: true } } } } },
      `helmValues.controlPlane.statefulSet.security.containerSecurityContext.privileged: true is not allowed. Allowed: nothing that ${GUARD_RULES.privileged} (guard rule "privileged"). ${fix('privileged', 'controlPlane.statefulSet.security.containerSecurityContext.privileged')}`,
    ],
    [
      'hostPath',
      { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'h', hostPath: { path: '/etc' } }] } } } },
      `helmValues.controlPlane.statefulSet.persistence.addVolumes[0].hostPath: {"path":"/etc"} is not allowed. Allowed: nothing that mounts the host node's path "/etc" (guard rule "hostPath"). ${fix('hostPath', 'controlPlane.statefulSet.persistence.addVolumes[0].hostPath')}`,
    ],
    [
      'hostNetwork',
      {
        experimental: {
          deploy: { vcluster: { manifests: manifests({ kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true } }) } },
        },
      },
      `helmValues.experimental.deploy.vcluster.manifests[0].spec.hostNetwork: true is not allowed. Allowed: nothing that ${GUARD_RULES.hostNetwork} (guard rule "hostNetwork"). ${fix('hostNetwork', 'experimental.deploy.vcluster.manifests[0].spec.hostNetwork')}`,
    ],
    [
      'hostPID',
      {
        experimental: { deploy: { vcluster: { manifests: manifests({ kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true } }) } } },
      },
      `helmValues.experimental.deploy.vcluster.manifests[0].spec.hostPID: true is not allowed. Allowed: nothing that ${GUARD_RULES.hostPID} (guard rule "hostPID"). ${fix('hostPID', 'experimental.deploy.vcluster.manifests[0].spec.hostPID')}`,
    ],
    [
      'hostIPC',
      {
        experimental: { deploy: { vcluster: { manifests: manifests({ kind: 'Pod', metadata: { name: 'p' }, spec: { hostIPC: true } }) } } },
      },
      `helmValues.experimental.deploy.vcluster.manifests[0].spec.hostIPC: true is not allowed. Allowed: nothing that ${GUARD_RULES.hostIPC} (guard rule "hostIPC"). ${fix('hostIPC', 'experimental.deploy.vcluster.manifests[0].spec.hostIPC')}`,
    ],
    [
      'capabilities',
      { controlPlane: { statefulSet: { security: { containerSecurityContext: { capabilities: { add: ['CHOWN', 'SYS_ADMIN'] } } } } } },
      `helmValues.controlPlane.statefulSet.security.containerSecurityContext.capabilities.add[1]: "SYS_ADMIN" is not allowed. Allowed: nothing that adds the Linux capability SYS_ADMIN (beyond the Pod Security baseline set) (guard rule "capabilities"). ${fix('capabilities', 'controlPlane.statefulSet.security.containerSecurityContext.capabilities.add[1]')}`,
    ],
    [
      'insecureAuth',
      { controlPlane: { backingStore: { etcd: { embedded: { enabled: true, extraArgs: ['--client-cert-auth', 'false'] } } } } },
      `helmValues.controlPlane.backingStore.etcd.embedded.extraArgs[0]: "--client-cert-auth" is not allowed. Allowed: nothing that passes etcd an argument that weakens client-certificate auth (--client-cert-auth=false switches off the verification of client certificates: etcd then accepts any client that reaches it, and every tenant pod runs in the vcluster's namespace) (guard rule "insecureAuth"). ${fix('insecureAuth', 'controlPlane.backingStore.etcd.embedded.extraArgs[0]')}`,
    ],
    [
      'secret',
      {
        experimental: {
          deploy: { host: { manifests: manifests({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'demo' } }) } },
        },
      },
      `helmValues.experimental.deploy.host.manifests[0].kind: "Secret" is not allowed. Allowed: nothing that puts the Secret "s" into git (guard rule "secret"). ${fix('secret', 'experimental.deploy.host.manifests[0].kind')}`,
    ],
    [
      'credential',
      {
        controlPlane: {
          backingStore: { database: { external: { enabled: true, dataSource: 'mysql://root:hunter2@tcp(db:3306)/vcluster' } } },
        },
      },
      `helmValues.controlPlane.backingStore.database.external.dataSource: "mysql://root:hunter2@tcp(db:3306)/vcluster" is not allowed. Allowed: nothing that puts a password (inside a URL or connection string) into git (guard rule "credential"). ${fix('credential', 'controlPlane.backingStore.database.external.dataSource')}`,
    ],
    [
      'outsideNamespace',
      {
        experimental: {
          deploy: { host: { manifests: manifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'argocd' } }) } },
        },
      },
      `helmValues.experimental.deploy.host.manifests[0].metadata.namespace: "argocd" is not allowed. Allowed: nothing that creates ConfigMap "c" in the host namespace argocd, not the vcluster's (guard rule "outsideNamespace"). ${fix('outsideNamespace', 'experimental.deploy.host.manifests[0].metadata.namespace')}`,
    ],
    [
      'uncheckedManifest',
      { experimental: { deploy: { vcluster: { manifestsTemplate: 'kind: {{ .Values.kind }}' } } } },
      `helmValues.experimental.deploy.vcluster.manifestsTemplate: "kind: {{ .Values.kind }}" is not allowed. Allowed: nothing that embeds a manifest template (the guard cannot tell what it renders; write plain manifests) (guard rule "uncheckedManifest"). ${fix('uncheckedManifest', 'experimental.deploy.vcluster.manifestsTemplate')}`,
    ],
  ])('%s', (rule, helmValues, expected) => {
    // GIVEN Helm values breaking one rule / WHEN a VCluster alone checks its final values
    const lines = problems(helmValues);
    // THEN exactly that refusal, with path, value, why and the exception that would allow it
    expect(lines).toEqual([expected]);
    // AND synthesis throws with it
    expect(() => Testing.synth(build({ helmValues }).node.scope as Chart)).toThrow(expected.split(' is not allowed')[0]);
    expect(GUARD_RULE_NAMES).toContain(rule);
  });

  test('every rule has a case above', () => {
    expect(GUARD_RULE_NAMES).toHaveLength(17);
  });
});

describe('what the guard reads', () => {
  test('the site values, computed values and add-on layers as merged, not only helmValues', () => {
    // GIVEN a hostPath volume in the site's values
    const lines = problems(
      {},
      { siteHelmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'h', hostPath: { path: '/' } }] } } } } },
    );
    // THEN the final values are refused
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^helmValues\.controlPlane\.statefulSet\.persistence\.addVolumes\[0\]\.hostPath: \{"path":"\/"\} is not allowed/,
    );
  });

  test('the default values of a VCluster pass', () => {
    expect(problems({})).toEqual([]);
    expect(guardHelmValues(build({ preset: 'prod' }).helmValues(), { namespace: 'demo' })).toEqual([]);
  });

  test('List documents, multi-document text and the values of a chart installed inside the vcluster', () => {
    const values = {
      experimental: {
        deploy: {
          vcluster: {
            manifests: `kind: List\nitems:\n  - kind: Pod\n    spec: {hostPID: true}\n---\nkind: ConfigMap\ndata: {token: abc}\n`,
            helm: [{ chart: { name: 'x' }, values: 'env:\n  - name: API_KEY\n    value: k\n' }],
          },
        },
      },
    };
    expect(guardHelmValues(values).map((f) => [f.rule, f.path])).toEqual([
      ['credential', 'experimental.deploy.vcluster.helm[0].values.env[0].value'],
      ['hostPID', 'experimental.deploy.vcluster.manifests[0].items[0].spec.hostPID'],
      ['credential', 'experimental.deploy.vcluster.manifests[1].data.token'],
    ]);
  });

  test('plain manifestsTemplate text (no actions) is read like manifests; kube-vip and the host path mapper are switches', () => {
    const values = {
      controlPlane: { advanced: { kubeVip: { enabled: true } }, hostPathMapper: { enabled: true } },
      experimental: { deploy: { host: { manifestsTemplate: 'kind: Namespace\nmetadata: {name: evil}\n' } } },
    };
    expect(guardHelmValues(values, { namespace: 'demo' }).map((f) => [f.rule, f.path, f.value])).toEqual([
      ['capabilities', 'controlPlane.advanced.kubeVip.enabled', true],
      ['hostPath', 'controlPlane.hostPathMapper.enabled', true],
      ['outsideNamespace', 'experimental.deploy.host.manifestsTemplate[0].kind', 'Namespace'],
    ]);
  });

  test('values the chart renders with tpl may hold no template action (it would run at install)', () => {
    const values = {
      controlPlane: {
        statefulSet: { persistence: { addVolumes: [{ name: 'x', configMap: { name: '{{ "x\\n  hostPath: {path: /}" }}' } }] } },
        ingress: { spec: { '{{ .Values.x }}': 'y' } },
      },
    };
    expect(guardHelmValues(values).map((f) => [f.rule, f.path])).toEqual([
      ['uncheckedManifest', 'controlPlane.ingress.spec["{{ .Values.x }}"]'],
      ['uncheckedManifest', 'controlPlane.statefulSet.persistence.addVolumes[0].configMap.name'],
    ]);
  });

  test('YAML merge keys are resolved, a document that is a list is read item by item, a duplicate key is refused', () => {
    const manifests = (text: string) =>
      guardHelmValues({ experimental: { deploy: { vcluster: { manifests: text } } } }).map((f) => [f.rule, f.path]);
    expect(
      manifests(
        'kind: Pod\nmetadata: {annotations: {a: &b {privileged: true}}}\nspec: {containers: [{name: c, securityContext: {<<: *b}}]}\n',
      ),
    ).toEqual([
      ['privileged', 'experimental.deploy.vcluster.manifests[0].metadata.annotations.a.privileged'],
      ['privileged', 'experimental.deploy.vcluster.manifests[0].spec.containers[0].securityContext.privileged'],
    ]);
    expect(manifests('- kind: Secret\n  metadata: {name: s}\n')).toEqual([['secret', 'experimental.deploy.vcluster.manifests[0][0].kind']]);
    expect(manifests('kind: Pod\nkind: Secret\n')).toEqual([['uncheckedManifest', 'experimental.deploy.vcluster.manifests']]);
  });

  test('role rules are cluster-wide when the chart syncs namespaces (its Role becomes a ClusterRole)', () => {
    const rule = { apiGroups: [''], resources: ['secrets'], verbs: ['list'] };
    expect(guardHelmValues({ rbac: { role: { extraRules: [rule] } } })).toEqual([]);
    expect(
      guardHelmValues({ rbac: { role: { extraRules: [rule] } }, sync: { toHost: { namespaces: { enabled: true } } } }).map((f) => f.rule),
    ).toEqual(['clusterSecretRead']);
  });

  test('narrow rules, baseline capabilities and an empty password pass', () => {
    const values = {
      rbac: {
        clusterRole: {
          extraRules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: ['token'] }],
        },
      },
      controlPlane: {
        statefulSet: { security: { containerSecurityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } } } },
      },
      experimental: { deploy: { vcluster: { helm: [{ chart: { name: 'x', password: '' } }] } } },
    };
    expect(guardHelmValues(values)).toEqual([]);
  });

  test('findings are sorted by path and the same for the same values', () => {
    const values = { rbac: { clusterRole: { extraRules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] } } };
    const a = guardHelmValues(values);
    expect(a.map((f) => f.path)).toEqual([
      'rbac.clusterRole.extraRules[0].apiGroups[0]',
      'rbac.clusterRole.extraRules[0].resources[0]',
      'rbac.clusterRole.extraRules[0].verbs[0]',
    ]);
    expect(guardHelmValues(values)).toEqual(a);
  });

  test('guard paths read values, odd keys and embedded text', () => {
    const v = { a: { 'b.c/d': [{ e: 'text' }] } };
    expect(valueAtGuardPath(v, 'a["b.c/d"][0].e')).toBe('text');
    expect(valueAtGuardPath(v, 'a["b.c/d"][0].e[3].kind')).toBe('text');
    expect(valueAtGuardPath(v, 'a.missing')).toBeUndefined();
    expect(valueAtGuardPath(v, 'constructor')).toBeUndefined();
  });
});

describe('exceptions', () => {
  const hostPathValues = {
    controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'cache', hostPath: { path: '/var/cache/images' } }] } } },
  };
  const exception: GuardException = {
    rule: 'hostPath',
    path: 'controlPlane.statefulSet.persistence.addVolumes[0]',
    reason: 'node-local image cache shared by the replicas',
  };

  test('an exception waives the rule at its path and below', () => {
    expect(problems(hostPathValues, { exceptions: [exception] })).toEqual([]);
    expect(build({ helmValues: hostPathValues, exceptions: [exception] }).exceptions).toEqual([exception]);
  });

  test('an exception to another rule or another path waives nothing, and is itself refused', () => {
    const lines = problems(hostPathValues, { exceptions: [{ ...exception, path: 'controlPlane.statefulSet.persistence.addVolumes[1]' }] });
    expect(lines).toEqual([
      expect.stringMatching(/^helmValues\.controlPlane\.statefulSet\.persistence\.addVolumes\[0\]\.hostPath: .* \(guard rule "hostPath"\)/),
      'exceptions[0]: {"rule":"hostPath","path":"controlPlane.statefulSet.persistence.addVolumes[1]"} is not allowed. Allowed: an exception that waives a refusal: the guard refuses nothing under controlPlane.statefulSet.persistence.addVolumes[1] by rule "hostPath". Fix: remove the exception',
    ]);
    const wrongRule = problems(hostPathValues, { exceptions: [{ ...exception, rule: 'privileged' }] });
    expect(wrongRule[1]).toBe(
      'exceptions[0]: {"rule":"privileged","path":"controlPlane.statefulSet.persistence.addVolumes[0]"} is not allowed. Allowed: an exception that waives a refusal: the guard refuses nothing under controlPlane.statefulSet.persistence.addVolumes[0] by rule "privileged" (it refuses "hostPath" there). Fix: remove the exception',
    );
  });

  test("the site's exception holds while the values at its path are the site's", () => {
    const siteHelmValues = { sync: { fromHost: { secrets: { enabled: true, mappings: { byName: { 'ns/token': 'ns/token' } } } } } };
    const siteExceptions: GuardException[] = [
      { rule: 'hostSecretMapping', path: 'sync.fromHost.secrets.mappings', reason: 'the platform token every vcluster reads' },
    ];
    // unchanged: allowed
    expect(problems({}, { siteHelmValues, siteExceptions })).toEqual([]);
    // a vcluster adding its own mapping under the same path: refused, the site's exception does not stretch
    const lines = problems(
      { sync: { fromHost: { secrets: { mappings: { byName: { 'argocd/argocd-secret': 'x/y' } } } } } },
      { siteHelmValues, siteExceptions },
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^helmValues\.sync\.fromHost\.secrets\.mappings: \{"byName":\{"ns\/token":"ns\/token","argocd\/argocd-secret":"x\/y"\}\} is not allowed/,
      ),
    ]);
  });

  test('checkHelmValueGuard names the site home in the fix', () => {
    const p = new Problems('platform');
    checkHelmValueGuard(p, 'helmValues', hostPathValues, { exceptionHome: 'the platform exceptions' });
    expect(formatProblem(p.list[0])).toContain('to the platform exceptions');
    expect(p.list[0].field).toBe('platform.helmValues.controlPlane.statefulSet.persistence.addVolumes[0].hostPath');
  });
});

describe("the library's own values", () => {
  const clusterRole = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x-pv-cleanup\nrules: []\n';
  const libraryValues = { experimental: { deploy: { host: { manifests: clusterRole } } } };
  const fields = (values: unknown) => {
    const p = new Problems();
    checkHelmValueGuard(p, 'helmValues', values, { namespace: 'x', libraryValues });
    return p.list.map((x) => x.field);
  };

  test('are not refused while the final value is still what the library set', () => {
    expect(fields(libraryValues)).toEqual([]);
  });

  test('are refused once anything changed them', () => {
    const changed = {
      experimental: {
        deploy: {
          host: { manifests: clusterRole.replace('rules: []', 'rules:\n  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }') },
        },
      },
    };
    expect(fields(changed)).toContain('helmValues.experimental.deploy.host.manifests[0].kind');
  });

  test('are not read while they are what the library set (every finding in them would be dropped)', () => {
    expect(guardHelmValues(libraryValues, { namespace: 'x', libraryValues })).toEqual([]);
    // without the library's values the same text is read and refused
    expect(guardHelmValues(libraryValues, { namespace: 'x' }).map((f) => f.path)).toEqual(['experimental.deploy.host.manifests[0].kind']);
  });

  test('are read when an own exception names them, so the exception is used and not reported as waiving nothing', () => {
    for (const path of ['experimental.deploy.host.manifests', 'experimental.deploy', 'experimental.deploy.host.manifests[0].kind']) {
      const exceptions: GuardException[] = [{ rule: 'outsideNamespace', path, reason: 'test' }];
      expect(guardHelmValues(libraryValues, { namespace: 'x', libraryValues, exceptions }).map((f) => f.rule)).toEqual([
        'outsideNamespace',
      ]);
      const p = new Problems();
      checkHelmValueGuard(p, 'helmValues', libraryValues, { namespace: 'x', libraryValues, exceptions });
      expect(p.list).toEqual([]);
    }
  });
});
