import { baselineProblems, podSecurityAdmits, restrictedProblems } from '../../../src/verify/invariants/pod-security';
import { Json } from '../../../src/verify/model';
import { NS, container, controlPlane, corednsValues, ours, whole } from '../fixtures';

const namespace = (level?: string) =>
  ours({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS, labels: level ? { 'pod-security.kubernetes.io/enforce': level } : {} },
  });
const RESTRICTED_CONTAINER = {
  securityContext: {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    runAsUser: 1000,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

describe('pod-security-admits', () => {
  test("violated: a root control plane under 'restricted'; synced CoreDNS without seccomp", () => {
    const root = controlPlane(1, container('syncer', {}, {}, { securityContext: { runAsUser: 0, allowPrivilegeEscalation: false } }));
    const out = podSecurityAdmits.check(whole([namespace('restricted'), root], corednsValues(1)));
    expect(out.map((x) => x.message)).toEqual([
      "namespace demo enforces Pod Security 'restricted', which refuses the pods of StatefulSet/demo: container syncer does not set runAsNonRoot: true; container syncer runAsUser 0; container syncer has no seccompProfile RuntimeDefault or Localhost; container syncer does not drop ALL capabilities",
      "namespace demo enforces Pod Security 'restricted', which refuses the pods of CoreDNS (Deployment kube-system/coredns inside the vcluster): container coredns has no seccompProfile RuntimeDefault or Localhost",
    ]);
    expect(out[1].file).toBe('synced from inside the vcluster (controlPlane.coredns)');
  });

  test("violated under 'baseline': privileged, hostPath, extra capabilities", () => {
    const bad = controlPlane(
      1,
      container('syncer', {}, {}, { securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }),
    );
    ((bad.obj.spec as Json).template as { spec: Json }).spec.volumes = [{ name: 'host', hostPath: { path: '/' } }];
    expect(podSecurityAdmits.check(whole([namespace('baseline'), bad])).map((x) => x.message)).toEqual([
      "namespace demo enforces Pod Security 'baseline', which refuses the pods of StatefulSet/demo: hostPath volume host; container syncer privileged; container syncer adds capabilities SYS_ADMIN",
    ]);
  });

  test("holds: the chart's root control plane and default CoreDNS under 'baseline'; restricted pods under 'restricted'; no enforce label", () => {
    const root = controlPlane(1, container('syncer', {}, {}, { securityContext: { runAsUser: 0, allowPrivilegeEscalation: false } }));
    expect(podSecurityAdmits.check(whole([namespace('baseline'), root], corednsValues(1)))).toEqual([]);
    const strictValues = { ...corednsValues(1), policies: { podSecurityStandard: 'restricted' } };
    expect(
      podSecurityAdmits.check(
        whole([namespace('restricted'), controlPlane(1, container('syncer', {}, {}, RESTRICTED_CONTAINER))], strictValues),
      ),
    ).toEqual([]);
    expect(podSecurityAdmits.check(whole([namespace(), root]))).toEqual([]);
  });

  test('restrictedProblems: volume types and init containers count', () => {
    expect(
      restrictedProblems({ volumes: [{ name: 'n', nfs: {} }], initContainers: [{ name: 'i', ...RESTRICTED_CONTAINER }], containers: [] }),
    ).toEqual(['volume n of type nfs']);
    expect(baselineProblems({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] })).toEqual([
      'hostNetwork: true',
      'container c uses a hostPort',
    ]);
  });
});
