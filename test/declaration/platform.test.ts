/**
 * The site configuration (`definePlatform`): plain data only, the Helm values guard on the site's
 * values with the site's exceptions (blamed on the platform), Pod Security labels only from the
 * library, reserved namespaces, and the site's registration conventions blamed on platform.ts.
 */
import { DEFAULT_RESERVED_NAMESPACES, PlatformConfig, definePlatform } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { ValidationError, formatProblem } from '../../src/validation';
import { platform } from '../util';

/** A valid configuration: the fixture site's, as declared. */
const config = (): PlatformConfig =>
  ({
    ...platform,
    argocd: { ...platform.argocd },
    chart: { ...platform.chart },
    network: { ...platform.network },
    loadBalancer: { ...platform.loadBalancer },
    images: { ...platform.images },
    registration: { ...platform.registration },
    baseDomainSanitized: undefined,
  }) as unknown as PlatformConfig;

/** The problem lines of a configuration (fails when it is accepted). */
function refusal(c: unknown): string[] {
  const clean = { ...(c as Record<string, unknown>) };
  delete clean.baseDomainSanitized;
  try {
    definePlatform(clean as unknown as PlatformConfig);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems.map((p) => formatProblem(p));
  }
  throw new Error('the configuration was accepted');
}

const accepted = (c: PlatformConfig) => {
  const clean = { ...(c as unknown as Record<string, unknown>) };
  delete clean.baseDomainSanitized;
  return definePlatform(clean as unknown as PlatformConfig);
};

describe('definePlatform', () => {
  test('the fixture site is valid, without exceptions, with the default reserved namespaces', () => {
    const site = accepted(config());
    expect(site.exceptions).toEqual([]);
    expect(site.reservedNamespaces).toBe(DEFAULT_RESERVED_NAMESPACES);
    expect(Object.isFrozen(site.exceptions)).toBe(true);
  });

  const mapping = { sync: { fromHost: { secrets: { enabled: true, mappings: { byName: { 'ns/token': 'ns/token' } } } } } };

  test("throws on a host Secret mapping of the site without its exception, blamed on the platform's helmValues", () => {
    expect(refusal({ ...config(), helmValues: { ...config().helmValues, ...mapping } })).toEqual([
      'platform.helmValues.sync.fromHost.secrets.mappings: {"byName":{"ns/token":"ns/token"}} is not allowed. Allowed: nothing that maps host Secrets into the vcluster: the chart then gives its control plane list and watch on every Secret of the host cluster (guard rule "hostSecretMapping"). Fix: remove it; if it is really needed, add { rule: "hostSecretMapping", path: "sync.fromHost.secrets.mappings", reason: "..." } to the platform exceptions',
    ]);
    const exception = {
      rule: 'hostSecretMapping' as const,
      path: 'sync.fromHost.secrets.mappings',
      reason: 'the platform token every vcluster reads',
    };
    expect(accepted({ ...config(), helmValues: { ...config().helmValues, ...mapping }, exceptions: [exception] }).exceptions).toEqual([
      exception,
    ]);
  });

  test('throws on a site exception that waives nothing, or that is malformed', () => {
    const extra = { rule: 'privileged' as const, path: 'controlPlane', reason: 'no longer needed here' };
    expect(refusal({ ...config(), exceptions: [extra] })).toEqual([
      'platform.exceptions[0]: {"rule":"privileged","path":"controlPlane"} is not allowed. Allowed: an exception that waives a refusal: the guard refuses nothing under controlPlane by rule "privileged". Fix: remove the exception',
    ]);
    expect(refusal({ ...config(), exceptions: 'none' })).toEqual([
      'platform.exceptions: "none" is not allowed. Allowed: a list of exceptions { rule, path, reason }.',
    ]);
  });

  test('throws on a privileged site value', () => {
    const c = config();
    const lines = refusal({
      ...c,
      helmValues: { ...c.helmValues, controlPlane: { statefulSet: { security: { containerSecurityContext: { privileged: true } } } } },
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^platform\.helmValues\.controlPlane\.statefulSet\.security\.containerSecurityContext\.privileged: true is not allowed\. Allowed: nothing that runs a privileged container/,
      ),
    ]);
  });

  test('throws on a Pod Security label among the namespace labels', () => {
    expect(refusal({ ...config(), namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'privileged' } })).toEqual([
      'platform.namespaceLabels["pod-security.kubernetes.io/enforce"]: "privileged" is not allowed. Allowed: no Pod Security label here: the library alone sets them (isolationMode "strict" with isolation.podSecurity), so that nothing can weaken or contradict them. Fix: remove the label; use isolationMode: "strict" for Pod Security admission',
    ]);
  });

  test('throws on prototype keys before reading anything, with the path', () => {
    expect(refusal({ ...config(), helmValues: JSON.parse('{"__proto__":{"x":1}}') })).toEqual([
      'platform.helmValues["__proto__"]: {"x":1} is not allowed. Allowed: no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves). Fix: remove the key',
    ]);
    expect(refusal({ ...config(), network: { __proto__: { cilium: true }, apiClientCidrs: [] } })).toEqual([
      'platform.network: {"apiClientCidrs":[]} is not allowed. Allowed: a plain map literal {...}: "__proto__" written in an object literal sets its prototype instead of adding a key.',
    ]);
  });

  test('the registration conventions may be functions; other fields may not', () => {
    expect(refusal({ ...config(), baseDomain: () => 'x' })[0]).toMatch(
      /^platform\.baseDomain: \[function baseDomain\] is not allowed\. Allowed: plain data/,
    );
  });

  test('reserved namespaces: a site list replaces the default; patterns at either end', () => {
    const site = accepted({ ...config(), reservedNamespaces: ['payments', 'team-*'] });
    const fleet = (targetNamespace: string) => {
      try {
        buildFleet(site, [{ file: 'vclusters/x.ts', spec: { name: 'x', targetNamespace } }]);
        return [];
      } catch (e) {
        return (e as FleetError).problems.map((p) => formatProblem(p));
      }
    };
    expect(fleet('team-blue')).toEqual([
      'vclusters/x.ts: targetNamespace: "team-blue" is not allowed. Allowed: a host namespace of its own, not one Kubernetes or the platform reserves (platform reservedNamespaces: "team-*"). Fix: use a namespace only this vcluster uses, e.g. the vcluster name',
    ]);
    expect(fleet('cert-manager')).toEqual([]);
    expect(fleet('kube-flannel')[0]).toContain('(Kubernetes reserves "default" and "kube-*")');
    expect(fleet('nginx-gateway')[0]).toContain('(the platform runs network.gatewayNamespace there)');
    expect(refusal({ ...config(), reservedNamespaces: ['*', 'Bad_NS'] })).toEqual([
      'platform.reservedNamespaces[0]: "*" is not allowed. Allowed: a namespace name such as "cert-manager", or a pattern such as "*-system" or "openshift-*".',
      'platform.reservedNamespaces[1]: "Bad_NS" is not allowed. Allowed: a namespace name such as "cert-manager", or a pattern such as "*-system" or "openshift-*".',
    ]);
  });
});

describe("the site's registration conventions are the site's fault", () => {
  const fleet = (site: typeof platform) => {
    try {
      buildFleet(site, [
        { file: 'vclusters/a.ts', spec: { name: 'a' } },
        { file: 'vclusters/b.ts', spec: { name: 'b' } },
      ]);
    } catch (e) {
      expect(e).toBeInstanceOf(FleetError);
      return (e as FleetError).message;
    }
    throw new Error('the fleet was accepted');
  };

  test('a convention that throws is reported once, against platform.ts', () => {
    const site = {
      ...platform,
      registration: {
        ...platform.registration,
        labels: () => {
          throw new TypeError('c.owner is undefined');
        },
      },
    };
    expect(fleet(site)).toBe(
      '1 problem in the vcluster declarations:\n  - vclusters/platform.ts: platform.registration.labels: "TypeError: c.owner is undefined" is not allowed. Allowed: a function that returns a map for every vcluster; it threw this error for the vcluster "a". Fix: fix the function in the site configuration',
    );
  });

  test('a convention that returns no map, or prototype keys, is reported against platform.ts', () => {
    const noMap = { ...platform, registration: { ...platform.registration, annotations: () => 'x' as never } };
    expect(fleet(noMap)).toContain(
      'vclusters/platform.ts: platform.registration.annotations: "x" is not allowed. Allowed: a map of annotation keys to string values.',
    );
    const proto = { ...platform, registration: { ...platform.registration, labels: () => JSON.parse('{"__proto__":{"a":"b"}}') } };
    expect(fleet(proto)).toContain('vclusters/platform.ts: platform.registration.labels["__proto__"]: {"a":"b"} is not allowed.');
  });
});
