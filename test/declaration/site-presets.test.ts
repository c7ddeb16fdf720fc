/**
 * Site presets (`presets` in `definePlatform`): each bad field is one error naming
 * `platform.presets.<name>.<field>`, the value and what is allowed; a declaration picking one gets
 * its values, under its own fields and over the platform's defaults; the built-in presets are
 * unchanged.
 */
import * as YAML from 'yaml';
import { PlatformConfig, PresetName, SitePreset, VClusterSpec, definePlatform, resolveDeclaration } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { Problems, ValidationError, formatProblem } from '../../src/validation';
import { config } from '../fixtures/integratn/platform';
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { Obj, find, helmValues, platform, render } from '../util';

/** The test site with these presets. */
const siteWith = (presets: unknown, more: Partial<PlatformConfig> = {}) =>
  definePlatform({ ...config, ...more, presets: presets as Record<string, SitePreset> });

/** The problem lines of a site with these presets (fails when it is accepted). */
function refusal(presets: unknown, more: Partial<PlatformConfig> = {}): string[] {
  try {
    siteWith(presets, more);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems.map((p) => formatProblem(p));
  }
  throw new Error('the configuration was accepted');
}

const SITE_PRESETS = {
  big: {
    extends: 'prod',
    replicas: 5,
    resources: { requests: { cpu: '1' }, limits: { memory: '4Gi' } },
    persistence: { size: '50Gi' },
    corednsReplicas: 3,
    deletionPolicy: 'delete',
    environment: 'staging',
    chartVersion: '0.30.4',
    kubernetesVersion: '1.33',
  },
  locked: {
    isolationMode: 'strict',
    isolation: {
      tenantQuota: { 'requests.cpu': '2', pods: '50' },
      resourceQuota: { 'limits.memory': '64Gi' },
      limitRange: { default: { cpu: '300m' } },
      podSecurity: 'restricted',
    },
  },
  small: {},
  edge: { chartVersion: '0.36.1', kubernetesVersion: '1.35' },
  prodlike: { extends: 'prod' },
} satisfies Record<string, SitePreset>;

const site = siteWith(SITE_PRESETS);

/** Resolves a declaration against the site with presets; fails on any problem. */
function resolved(spec: VClusterSpec) {
  const p = new Problems();
  const r = resolveDeclaration(p, spec, site);
  expect(p.list.map((x) => formatProblem(x))).toEqual([]);
  return r;
}

/** The problems of a declaration against the site with presets. */
function problemsOf(spec: VClusterSpec): string[] {
  const p = new Problems();
  resolveDeclaration(p, spec, site);
  return p.list.map((x) => formatProblem(x));
}

const controlPlane = (objects: Obj[]) => helmValues(objects).controlPlane;

describe('definePlatform presets', () => {
  test('resolved once: what a site preset omits comes from the built-in preset it extends (dev by default)', () => {
    expect(site.presets.small).toEqual({
      extends: 'dev',
      replicas: 1,
      resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '1000m', memory: '1536Mi' } },
      persistence: { enabled: true, size: '5Gi' },
      corednsReplicas: 1,
      environment: 'development',
      deletionPolicy: 'delete',
    });
    expect(site.presets.big).toEqual({
      extends: 'prod',
      replicas: 5,
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      persistence: { enabled: true, size: '50Gi' },
      corednsReplicas: 3,
      environment: 'staging',
      deletionPolicy: 'delete',
      chartVersion: '0.30.4',
      kubernetesVersion: '1.33',
    });
    expect(Object.isFrozen(site.presets.big.resources.requests)).toBe(true);
    expect(definePlatform(config).presets).toEqual({});
  });

  test('throws on a site preset named like a built-in one, with the fix', () => {
    expect(refusal({ dev: { replicas: 2 } })).toEqual([
      'platform.presets.dev: {"replicas":2} is not allowed. Allowed: a site preset named other than the built-in "dev" and "prod". Fix: rename it (e.g. "dev-large") and set extends: "dev" to start from the built-in values',
    ]);
    expect(refusal({ prod: {} })).toEqual([
      'platform.presets.prod: {} is not allowed. Allowed: a site preset named other than the built-in "dev" and "prod". Fix: rename it (e.g. "prod-large") and set extends: "prod" to start from the built-in values',
    ]);
  });

  test('throws on an unknown key, naming the field, the value and the keys allowed', () => {
    expect(refusal({ small: { replica: 2 } })).toEqual([
      'platform.presets.small.replica: 2 is not allowed. Allowed: only the keys extends, replicas, resources, persistence, corednsReplicas, isolationMode, isolation, deletionPolicy, environment, chartVersion, kubernetesVersion. Fix: remove the key or fix its spelling',
    ]);
  });

  test('throws on a bad quantity, naming the field, the value and what is allowed', () => {
    expect(refusal({ small: { resources: { limits: { memory: '512' } } } })).toEqual([
      'platform.presets.small.resources.limits.memory: "512" is not allowed. Allowed: at least 1Mi (or 0): a size in bytes this small is a missing unit. Fix: write e.g. "512Mi"',
    ]);
  });

  test('throws on a bad chart version, naming the supported lines', () => {
    expect(refusal({ small: { chartVersion: '0.31' } })).toEqual([
      'platform.presets.small.chartVersion: "0.31" is not allowed. Allowed: an exact supported vcluster chart version: 0.30.0–0.30.4, 0.31.0–0.31.3, 0.36.0–0.36.1. Fix: pin one exact version; ranges, "latest" and "0.31" are not allowed',
    ]);
  });

  test("throws on a Kubernetes version the preset's chart line does not support", () => {
    expect(refusal({ small: { chartVersion: '0.31.3', kubernetesVersion: '1.35' } })).toEqual([
      'platform.presets.small.kubernetesVersion: "1.35" is not allowed. Allowed: "1.34" (= v1.34.3), "1.33" (= v1.33.7), "1.32" (= v1.32.11) (chart line 0.31). Fix: write the version as a quoted string, e.g. "1.33"',
    ]);
    // the platform's default is newer than the line the preset pins
    expect(
      refusal({ old: { chartVersion: '0.31.3' } }, { chart: { ...config.chart, version: '0.36.1' }, kubernetesVersion: '1.35' }),
    ).toEqual([
      'platform.presets.old.kubernetesVersion: undefined is not allowed. Allowed: a version chart 0.31.3 supports (the platform\'s default 1.35 is newer): "1.34" (= v1.34.3), "1.33" (= v1.33.7), "1.32" (= v1.32.11) (chart line 0.31). Fix: set kubernetesVersion in the preset, or pin a newer chartVersion',
    ]);
  });

  test.each([
    ['a name that is no DNS label', { Big_Team: {} }, 'presets.Big_Team', '"Big_Team"'],
    ['a name longer than 63 characters', { [`p${'x'.repeat(63)}`]: {} }, `presets.p${'x'.repeat(63)}`, `"p${'x'.repeat(63)}"`],
    ['presets that are no map', ['small'], 'presets', '["small"]'],
    ['a preset that is no map', { small: 3 }, 'presets.small', '3'],
    ['an unknown built-in to extend', { small: { extends: 'staging' } }, 'presets.small.extends', '"staging"'],
    ['no replicas', { small: { replicas: 0 } }, 'presets.small.replicas', '0'],
    ['too many replicas', { small: { replicas: 16 } }, 'presets.small.replicas', '16'],
    ['fractional replicas', { small: { replicas: 1.5 } }, 'presets.small.replicas', '1.5'],
    ['resources that are no map', { small: { resources: '2Gi' } }, 'presets.small.resources', '"2Gi"'],
    ['a CPU quantity in bytes', { small: { resources: { requests: { cpu: '1Gi' } } } }, 'presets.small.resources.requests.cpu', '"1Gi"'],
    ['an unknown resource', { small: { resources: { requests: { gpu: '1' } } } }, 'presets.small.resources.requests.gpu', '"1"'],
    ['an unknown resources key', { small: { resources: { request: {} } } }, 'presets.small.resources.request', '{}'],
    [
      'a request above the limit it extends',
      { small: { resources: { requests: { memory: '2Gi' } } } },
      'presets.small.resources.requests.memory',
      '"2Gi"',
    ],
    ['a volume size that is no quantity', { small: { persistence: { size: '10GB' } } }, 'presets.small.persistence.size', '"10GB"'],
    ['a zero volume size', { small: { persistence: { size: '0' } } }, 'presets.small.persistence.size', '"0"'],
    ['a volume switch that is no boolean', { small: { persistence: { enabled: 'yes' } } }, 'presets.small.persistence.enabled', '"yes"'],
    ['a size without a volume', { small: { persistence: { enabled: false, size: '5Gi' } } }, 'presets.small.persistence.enabled', 'false'],
    [
      'a StorageClass (a declaration choice)',
      { small: { persistence: { storageClass: 'fast' } } },
      'presets.small.persistence.storageClass',
      '"fast"',
    ],
    ['no CoreDNS replicas', { small: { corednsReplicas: 0 } }, 'presets.small.corednsReplicas', '0'],
    ['an unknown isolation mode', { small: { isolationMode: 'secure' } }, 'presets.small.isolationMode', '"secure"'],
    [
      'isolation settings without strict mode',
      { small: { isolation: { podSecurity: 'baseline' } } },
      'presets.small.isolation',
      '{"podSecurity":"baseline"}',
    ],
    [
      'a bad tenant quota',
      { small: { isolationMode: 'strict', isolation: { tenantQuota: { pods: 'many' } } } },
      'presets.small.isolation.tenantQuota["pods"]',
      '"many"',
    ],
    [
      'a key both allowance and total',
      { small: { isolationMode: 'strict', isolation: { tenantQuota: { pods: '5' }, resourceQuota: { pods: '50' } } } },
      'presets.small.isolation.tenantQuota["pods"]',
      '"5"',
    ],
    [
      'an unknown Pod Security level',
      { small: { isolationMode: 'strict', isolation: { podSecurity: 'privileged' } } },
      'presets.small.isolation.podSecurity',
      '"privileged"',
    ],
    ['an unknown isolation key', { small: { isolationMode: 'strict', isolation: { quota: {} } } }, 'presets.small.isolation.quota', '{}'],
    ['an unknown deletion policy', { small: { deletionPolicy: 'keep' } }, 'presets.small.deletionPolicy', '"keep"'],
    ['an environment that is no label value', { small: { environment: 'my env' } }, 'presets.small.environment', '"my env"'],
    ['a chart line not supported', { small: { chartVersion: '0.29.0' } }, 'presets.small.chartVersion', '"0.29.0"'],
    ['an unknown patch', { small: { chartVersion: '0.31.99' } }, 'presets.small.chartVersion', '"0.31.99"'],
    ['a chart version that is no string', { small: { chartVersion: 0.31 } }, 'presets.small.chartVersion', '0.31'],
    ['an unknown Kubernetes version', { small: { kubernetesVersion: '1.99' } }, 'presets.small.kubernetesVersion', '"1.99"'],
    ['a Kubernetes version that is no string', { small: { kubernetesVersion: 1.33 } }, 'presets.small.kubernetesVersion', '1.33'],
  ])('throws on %s', (_what, presets, field, value) => {
    const lines = refusal(presets);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`platform.${field}: ${value} is not allowed. Allowed: `)).toBe(true);
  });

  test('throws on a prototype key among the presets', () => {
    expect(refusal(JSON.parse('{"__proto__": {"replicas": 2}}'))).toEqual([
      expect.stringMatching(/^platform\.presets\["__proto__"\]: .* is not allowed/),
    ]);
  });
});

describe('a declaration picking a site preset', () => {
  test('gets every value of the preset: sizing, volume, deletion policy, environment, chart and Kubernetes version', () => {
    const r = resolved({ name: 'team-a', preset: 'big' });
    expect([r.preset, r.deletionPolicy, r.environment, r.chartVersion, r.isolationMode]).toEqual([
      'big',
      'delete',
      'staging',
      '0.30.4',
      'standard',
    ]);
    const objects = render({ name: 'team-a', preset: 'big' }, site);
    const cp = controlPlane(objects);
    expect(cp.statefulSet.highAvailability.replicas).toBe(5);
    expect(cp.statefulSet.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(cp.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '50Gi', retentionPolicy: 'Delete' });
    expect(cp.coredns.deployment.replicas).toBe(3);
    expect(cp.serviceMonitor.labels.environment).toBe('staging');
    expect(cp.distro.k8s.image.tag).toBe('v1.33.7');
    expect(find(objects, 'Application', 'vcluster-team-a').spec.source.targetRevision).toBe('0.30.4');
  });

  test("the declaration's own fields win over the preset's", () => {
    const spec: VClusterSpec = {
      name: 'team-a',
      preset: 'big',
      replicas: 1,
      resources: { requests: { cpu: '300m' } },
      persistence: { size: '20Gi' },
      coredns: { replicas: 1 },
      deletionPolicy: 'retain',
      argocd: { environment: 'qa' },
      application: { targetRevision: '0.31.3' },
      kubernetesVersion: '1.32',
    };
    const r = resolved(spec);
    expect([r.deletionPolicy, r.environment, r.chartVersion]).toEqual(['retain', 'qa', '0.31.3']);
    const objects = render(spec, site);
    const cp = controlPlane(objects);
    expect(cp.statefulSet.highAvailability.replicas).toBe(1);
    // key by key: the declared CPU request over the preset's, the rest the preset's (memory request from prod)
    expect(cp.statefulSet.resources).toEqual({ requests: { cpu: '300m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(cp.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '20Gi', retentionPolicy: 'Retain' });
    expect(cp.coredns.deployment.replicas).toBe(1);
    expect(cp.distro.k8s.image.tag).toBe('v1.32.11');
    expect(find(objects, 'Application', 'vcluster-team-a').spec.source.targetRevision).toBe('0.31.3');
  });

  test("application.targetRevision overrides the preset's chart version; the preset's Kubernetes version stays", () => {
    const r = resolved({ name: 'team-a', preset: 'big', application: { targetRevision: '0.31.3' } });
    expect(r.chartVersion).toBe('0.31.3');
    expect(r.vcluster.targetRevision).toBe('0.31.3');
    expect(r.vcluster.kubernetesVersion).toBe('1.33');
  });

  test("what the preset does not set comes from the platform's defaults, then the built-in preset", () => {
    const r = resolved({ name: 'team-a', preset: 'small' });
    expect([r.preset, r.chartVersion, r.vcluster.kubernetesVersion, r.deletionPolicy, r.environment]).toEqual([
      'small',
      '0.31.3',
      '1.34',
      'delete',
      'development',
    ]);
    expect(YAML.stringify(helmValues(render({ name: 'team-a', preset: 'small' }, site)))).toBe(
      YAML.stringify(helmValues(render({ name: 'team-a', preset: 'dev' }, site))),
    );
  });

  test("refuses a preset's Kubernetes version the declaration's chart line does not support, saying where it comes from", () => {
    expect(problemsOf({ name: 'team-a', preset: 'edge', application: { targetRevision: '0.31.3' } })).toEqual([
      'kubernetesVersion: undefined is not allowed. Allowed: a version chart 0.31.3 supports (the preset\'s 1.35 is newer): "1.34" (= v1.34.3), "1.33" (= v1.33.7), "1.32" (= v1.32.11) (chart line 0.31). Fix: set kubernetesVersion, or pin a newer chart version',
    ]);
    expect(
      resolved({ name: 'team-a', preset: 'edge', application: { targetRevision: '0.31.3' }, kubernetesVersion: '1.34' }).chartVersion,
    ).toBe('0.31.3');
  });

  test("strict isolation from the preset: its settings, the declaration's laid over them key by key", () => {
    expect(resolved({ name: 'team-a', preset: 'locked' }).strict).toEqual(SITE_PRESETS.locked.isolation);
    const r = resolved({
      name: 'team-a',
      preset: 'locked',
      isolation: { tenantQuota: { pods: '10', 'limits.memory': '32Gi' }, limitRange: { default: { memory: '1Gi' } } },
    });
    expect(r.isolationMode).toBe('strict');
    // limits.memory declared as an allowance replaces the preset's total of that key
    expect(r.strict).toEqual({
      podSecurity: 'restricted',
      tenantQuota: { 'requests.cpu': '2', pods: '10', 'limits.memory': '32Gi' },
      resourceQuota: {},
      limitRange: { default: { cpu: '300m', memory: '1Gi' } },
    });
    const objects = render({ name: 'team-a', preset: 'locked' }, site);
    expect(find(objects, 'LimitRange', 'default-limits').spec.limits[0]).toEqual({
      type: 'Container',
      default: { cpu: '300m', memory: '512Mi' },
      defaultRequest: { cpu: '100m', memory: '128Mi' },
    });
    expect(find(objects, 'ResourceQuota', 'default-quota').spec.hard['limits.memory']).toBe('64Gi');
    expect(find(objects, 'Namespace', 'team-a').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('a declaration chooses standard isolation over a strict preset; isolation settings need strict mode from somewhere', () => {
    const r = resolved({ name: 'team-a', preset: 'locked', isolationMode: 'standard' });
    expect([r.isolationMode, r.strict]).toEqual(['standard', undefined]);
    expect(render({ name: 'team-a', preset: 'locked', isolationMode: 'standard' }, site).map((o) => o.kind)).not.toContain('ResourceQuota');
    expect(problemsOf({ name: 'team-a', preset: 'small', isolation: { podSecurity: 'restricted' } })).toEqual([
      'isolation: {"podSecurity":"restricted"} is not allowed. Allowed: isolation settings only with isolationMode: "strict" (standard mode ignores them). Fix: set isolationMode: "strict", or remove isolation',
    ]);
  });

  test('a strict preset admits no exception to the pod rules', () => {
    const problems = problemsOf({
      name: 'team-a',
      preset: 'locked',
      exceptions: [{ rule: 'privileged', path: 'controlPlane', reason: 'x' }],
    });
    expect(problems.filter((l) => l.startsWith('exceptions[0].rule: "privileged"'))).toHaveLength(1);
  });

  test('an unknown preset names the file, the field, the value and every preset the site offers', () => {
    let error: unknown;
    try {
      buildFleet(site, [{ file: 'vclusters/team-a.ts', spec: { name: 'team-a', preset: 'huge' } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).problems).toEqual([
      {
        source: 'vclusters/team-a.ts',
        field: 'preset',
        value: 'huge',
        allowed: 'one of the presets the site offers: "dev", "prod", "big", "locked", "small", "edge", "prodlike"',
        fix: 'pick one of them, or define it in the presets of the platform configuration',
      },
    ]);
  });
});

test("the README's example preset is valid and renders a strict, restricted HA vcluster on chart 0.31.3", () => {
  const readmeSite = siteWith({
    'prod-data': {
      extends: 'prod',
      resources: { limits: { memory: '4Gi' } },
      persistence: { size: '50Gi' },
      isolationMode: 'strict',
      isolation: { tenantQuota: { 'requests.memory': '32Gi' }, podSecurity: 'restricted' },
      chartVersion: '0.31.3',
      kubernetesVersion: '1.33',
    },
  });
  const objects = render({ name: 'orders', preset: 'prod-data' }, readmeSite);
  const cp = controlPlane(objects);
  expect([cp.statefulSet.highAvailability.replicas, cp.statefulSet.persistence.volumeClaim.size, cp.distro.k8s.image.tag]).toEqual([
    3,
    '50Gi',
    'v1.33.7',
  ]);
  expect(find(objects, 'Application', 'vcluster-orders').spec.source.targetRevision).toBe('0.31.3');
  expect(find(objects, 'Namespace', 'orders').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

describe('the built-in presets behave exactly as before', () => {
  test('dev and prod: their values, exactly', () => {
    const dev = controlPlane(render({ name: 'd' }));
    expect(dev.statefulSet.highAvailability.replicas).toBe(1);
    expect(dev.statefulSet.resources).toEqual({ requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '1000m', memory: '1536Mi' } });
    expect(dev.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '5Gi', retentionPolicy: 'Delete' });
    expect(dev.coredns.deployment.replicas).toBe(1);
    expect(dev.serviceMonitor.labels.environment).toBe('development');
    const prod = controlPlane(render({ name: 'p', preset: 'prod' }));
    expect(prod.statefulSet.highAvailability.replicas).toBe(3);
    expect(prod.statefulSet.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(prod.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '10Gi', retentionPolicy: 'Retain' });
    expect(prod.coredns.deployment.replicas).toBe(2);
    expect(prod.serviceMonitor.labels.environment).toBe('production');
    expect(prod.backingStore.etcd.deploy.statefulSet.highAvailability.replicas).toBe(3);
  });

  test.each<[string, VClusterSpec]>([
    ['media (prod)', media],
    ['sandbox (dev)', sandbox],
    ['no preset', { name: 'plain' }],
    ['prod, strict', { name: 'strict', preset: 'prod', isolationMode: 'strict', isolation: { tenantQuota: { pods: '20' } } }],
    ['dev on the oldest line', { name: 'old', preset: 'dev', application: { targetRevision: '0.30.4' }, kubernetesVersion: '1.32' }],
  ])('%s renders the same objects on a site with presets as on one without', (_what, spec) => {
    expect(YAML.stringify(render(spec, site))).toBe(YAML.stringify(render(spec, platform)));
  });

  test('a site preset extending prod and setting nothing renders the Helm values of prod', () => {
    expect(helmValues(render({ name: 'p', preset: 'prodlike' }, site))).toEqual(helmValues(render({ name: 'p', preset: 'prod' }, site)));
  });

  test("the declaration's preset type stays 'dev' | 'prod' plus any site preset name", () => {
    const builtIn: VClusterSpec = { name: 'a', preset: 'prod' };
    const own: VClusterSpec = { name: 'a', preset: 'big' };
    const name: PresetName = 'dev';
    // @ts-expect-error a built-in preset name is still one of the two
    const wrong: PresetName = 'big';
    expect([builtIn.preset, own.preset, name, wrong]).toEqual(['prod', 'big', 'dev', 'big']);
  });
});
