/**
 * What strict isolation guarantees, checked on the final Helm values and the rendered Namespace and
 * Application: nothing undoes its values, no tenant sync it turns off comes back, no host Secret is
 * mapped in, no exception to the pod rules or host Secret mappings holds, and Pod Security labels
 * come from the library only.
 */
import { Chart, Testing } from 'cdk8s';
import { StrictIsolation, VCluster, VClusterSpec } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { formatProblem } from '../../src/validation';
import { POD_SECURITY_LABEL_PREFIX } from '../../src/vcluster/pod-security-labels';
import { Obj, find, helmValues, platform, render } from '../util';

const strict: VClusterSpec = { name: 'tenant', isolationMode: 'strict' };

/** The problem lines of building one declaration (fails when it builds). */
function refusal(spec: VClusterSpec, site = platform): string[] {
  try {
    buildFleet(site, [{ file: 'vclusters/tenant.ts', spec }]);
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as FleetError).problems.map((p) => formatProblem(p));
  }
  throw new Error('the declaration was accepted');
}

/** A VCluster with StrictIsolation bound, both alone (no declaration). */
function bound(props: Partial<ConstructorParameters<typeof VCluster>[2]>, level: 'baseline' | 'restricted' = 'baseline') {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'tenant', ...props });
  new StrictIsolation(chart, 'strict', { vcluster, podSecurity: level });
  return { vcluster, chart };
}

describe('strict isolation holds on the final values', () => {
  test('its values survive the site values that would weaken them (site first, strict over it)', () => {
    // GIVEN a site that maps a host Secret (with its exception) and syncs tenant NetworkPolicies
    const site = {
      ...platform,
      helmValues: {
        ...platform.helmValues,
        sync: {
          toHost: { networkPolicies: { enabled: true } },
          fromHost: { secrets: { enabled: true, mappings: { byName: { 'ns/token': 'ns/token' } } } },
        },
      },
      exceptions: [
        { rule: 'hostSecretMapping' as const, path: 'sync.fromHost.secrets.mappings', reason: 'the platform token every vcluster reads' },
      ],
    };
    const v = helmValues(render(strict, site));
    // THEN the final values of a strict vcluster have neither
    expect(v.sync.fromHost.secrets.enabled).toBe(false);
    expect(v.sync.toHost.networkPolicies.enabled).toBe(false);
    expect(v.policies).toEqual({ podSecurityStandard: 'baseline', resourceQuota: { enabled: false }, limitRange: { enabled: false } });
    // while the same site gives a standard vcluster its mapping (under the site's exception)
    expect(helmValues(render({ name: 'tenant' }, site)).sync.fromHost.secrets.enabled).toBe(true);
  });

  test.each<[string, object, string]>([
    [
      'Pod Security privileged',
      { policies: { podSecurityStandard: 'privileged' } },
      'helmValues.policies.podSecurityStandard: "privileged" is not allowed. Allowed: "baseline", as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
    ],
    [
      'tenant NetworkPolicies synced',
      { sync: { toHost: { networkPolicies: { enabled: true } } } },
      'helmValues.sync.toHost.networkPolicies.enabled: true is not allowed. Allowed: false, as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
    ],
    [
      'host Secrets mapped',
      { sync: { fromHost: { secrets: { enabled: true } } } },
      'helmValues.sync.fromHost.secrets.enabled: true is not allowed. Allowed: false, as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
    ],
    [
      "the chart's limit range",
      { policies: { limitRange: { enabled: true } } },
      'helmValues.policies.limitRange.enabled: true is not allowed. Allowed: false, as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
    ],
  ])('throws when helmValues undo it: %s', (_what, helmValues, expected) => {
    expect(refusal({ ...strict, helmValues })).toEqual([`vclusters/tenant.ts: ${expected}`]);
  });

  test('throws on root under restricted, for the control plane, a deployed etcd and CoreDNS', () => {
    const lines = refusal({
      ...strict,
      preset: 'prod',
      isolation: { podSecurity: 'restricted' },
      helmValues: {
        controlPlane: {
          statefulSet: { security: { podSecurityContext: { runAsNonRoot: false } } },
          coredns: { security: { podSecurityContext: { seccompProfile: { type: 'Localhost' } } } },
        },
      },
    });
    expect(lines).toEqual([
      'vclusters/tenant.ts: helmValues.controlPlane.statefulSet.security.podSecurityContext.runAsNonRoot: false is not allowed. Allowed: true, as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
      'vclusters/tenant.ts: helmValues.controlPlane.coredns.security.podSecurityContext.seccompProfile.type: "Localhost" is not allowed. Allowed: "RuntimeDefault", as strict isolation sets it (a later layer must not change it). Fix: remove the override from helmValues',
    ]);
  });

  test('the same holds for a VCluster and StrictIsolation used alone', () => {
    const { vcluster } = bound({ helmValues: { policies: { podSecurityStandard: 'privileged' } } });
    expect(vcluster.helmValueProblems().list.map((p) => p.field)).toEqual(['helmValues.policies.podSecurityStandard']);
    const restricted = bound(
      { helmValues: { controlPlane: { statefulSet: { security: { containerSecurityContext: { capabilities: { drop: [] } } } } } } },
      'restricted',
    );
    expect(restricted.vcluster.helmValueProblems().list.map((p) => [p.field, p.value])).toEqual([
      ['helmValues.controlPlane.statefulSet.security.containerSecurityContext.capabilities.drop', []],
    ]);
  });

  test('no exception to a pod rule or to hostSecretMapping holds in strict mode', () => {
    expect(
      refusal({
        ...strict,
        helmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'h', hostPath: { path: '/data' } }] } } } },
        exceptions: [{ rule: 'hostPath', path: 'controlPlane.statefulSet.persistence.addVolumes[0]', reason: 'node-local image cache' }],
      }),
    ).toEqual([
      'vclusters/tenant.ts: exceptions[0].rule: "hostPath" is not allowed. Allowed: no exception to privileged, hostPath, hostNetwork, hostPID, hostIPC, capabilities, hostSecretMapping with isolationMode "strict" (strict isolation guarantees what these rules refuse). Fix: remove the exception, or use isolationMode: "standard"',
    ]);
  });

  test("nor does the site's: a strict vcluster does not inherit the site's hostPath exception", () => {
    const site = {
      ...platform,
      helmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'h', hostPath: { path: '/data' } }] } } } },
      exceptions: [
        { rule: 'hostPath' as const, path: 'controlPlane.statefulSet.persistence.addVolumes[0]', reason: 'node-local image cache' },
      ],
    };
    expect(() => buildFleet(site, [{ file: 'vclusters/std.ts', spec: { name: 'std' } }])).not.toThrow();
    expect(refusal(strict, site)).toEqual([
      `vclusters/tenant.ts: helmValues.controlPlane.statefulSet.persistence.addVolumes[0].hostPath: {"path":"/data"} is not allowed. Allowed: nothing that mounts the host node's path "/data" (guard rule "hostPath"). Fix: remove it; if it is really needed, add { rule: "hostPath", path: "controlPlane.statefulSet.persistence.addVolumes[0].hostPath", reason: "..." } to exceptions`,
    ]);
  });
});

describe('Pod Security labels come from the library only', () => {
  const podSecurityLabels = (o: Obj) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith(POD_SECURITY_LABEL_PREFIX));

  test('the rendered Namespace carries exactly the three labels of the level; the Application none', () => {
    const objects = render({ ...strict, isolation: { podSecurity: 'restricted' } });
    const ns = find(objects, 'Namespace', 'tenant');
    expect(podSecurityLabels(ns).sort()).toEqual([
      'pod-security.kubernetes.io/audit',
      'pod-security.kubernetes.io/enforce',
      'pod-security.kubernetes.io/warn',
    ]);
    expect(new Set(podSecurityLabels(ns).map((k) => ns.metadata.labels![k]))).toEqual(new Set(['restricted']));
    const app = find(objects, 'Application', 'vcluster-tenant');
    expect(app.spec.syncPolicy.managedNamespaceMetadata).toBeUndefined();
  });

  test('throws on a Pod Security label in managedNamespaceMetadata (any mode)', () => {
    expect(
      refusal({
        name: 'tenant',
        application: { syncPolicy: { managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/warn': 'privileged' } } } },
      }),
    ).toEqual([
      'vclusters/tenant.ts: application.syncPolicy.managedNamespaceMetadata.labels["pod-security.kubernetes.io/warn"]: "privileged" is not allowed. Allowed: no Pod Security label here: the library alone sets them (isolationMode "strict" with isolation.podSecurity), so that nothing can weaken or contradict them. Fix: remove the label; use isolationMode: "strict" for Pod Security admission',
    ]);
  });

  test('throws on a Pod Security label among the namespace labels of a VCluster alone', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(
      () => new VCluster(chart, 'vc', { releaseName: 'x', namespaceLabels: { 'pod-security.kubernetes.io/enforce-version': 'v1.20' } }),
    ).toThrow('namespaceLabels["pod-security.kubernetes.io/enforce-version"]: "v1.20" is not allowed.');
  });
});
