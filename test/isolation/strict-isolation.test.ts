/**
 * Strict mode's ResourceQuota is derived from the vcluster's own pods plus a tenant allowance, so a
 * vcluster never exceeds its own quota (prod + strict once needed 9.5 CPU of limits against a fixed
 * limits.cpu of 8, and its own pods were refused admission).
 */
import { Chart, Testing } from 'cdk8s';
import { StrictIsolation, VCluster, VClusterSpec } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { find, platform, render } from '../util';

const prodStrict: VClusterSpec = { name: 'team-a', preset: 'prod', isolationMode: 'strict' };
const hard = (spec: VClusterSpec) => find(render(spec), 'ResourceQuota', 'default-quota').spec.hard;

/** The problems of building one declaration (fails the test when it builds). */
function problems(spec: VClusterSpec) {
  try {
    buildFleet(platform, [{ file: 'vclusters/team-a.ts', spec }]);
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as FleetError).problems;
  }
  throw new Error('the declaration was accepted');
}

describe('StrictIsolation quota', () => {
  test('prod + strict: the own pods (9.5 CPU of limits) plus the default tenant allowance', () => {
    expect(hard(prodStrict)).toEqual({
      'requests.cpu': '5600m', // control plane 3 × 500m, etcd 3 × 20m, CoreDNS 2 × 20m = 1600m, + 4
      'requests.memory': '11842Mi', // 3 × 1Gi + 3 × 150Mi + 2 × 64Mi = 3650Mi, + 8Gi
      'limits.cpu': '17500m', // 3 × 2 + 3 × 500m (LimitRange default) + 2 × 1000m = 9.5, + 8
      'limits.memory': '24404Mi', // 3 × 2Gi + 3 × 512Mi (LimitRange default) + 2 × 170Mi = 8020Mi, + 16Gi
      persistentvolumeclaims: '26', // 3 control plane + 3 etcd, + 20
      pods: '108', // 3 + 3 + 2, + 100
    });
  });

  test('dev + strict: one control plane with its PVC, one CoreDNS', () => {
    expect(hard({ name: 'd', isolationMode: 'strict' })).toEqual({
      'requests.cpu': '4220m',
      'requests.memory': '9024Mi',
      'limits.cpu': '10',
      'limits.memory': '18090Mi',
      persistentvolumeclaims: '21',
      pods: '102',
    });
  });

  test('the declared resources, replicas and LimitRange defaults are what the own pods need', () => {
    const spec: VClusterSpec = {
      ...prodStrict,
      replicas: 2,
      resources: { limits: { cpu: '1500m' } },
      coredns: { replicas: 1 },
      backingStore: {
        etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 }, resources: { limits: { cpu: '250m' } } } } },
      },
      isolation: { tenantQuota: { 'limits.cpu': '2' }, limitRange: { default: { cpu: '300m' } } },
    };
    // 2 × 1500m + 3 × 250m + 1 × 1000m = 4750m, + 2
    expect(hard(spec)['limits.cpu']).toBe('6750m');
  });

  test('tenantQuota adds keys of its own; resourceQuota keys are totals that cover the own pods', () => {
    const h = hard({
      ...prodStrict,
      isolation: { tenantQuota: { 'count/services': '10', 'requests.storage': '100Gi' }, resourceQuota: { pods: '20' } },
    });
    expect(h['count/services']).toBe('10');
    expect(h['requests.storage']).toBe('145Gi'); // 3 × 10Gi (control plane) + 3 × 5Gi (etcd), + 100Gi
    expect(h.pods).toBe('20');
  });

  test('throws on a total that does not cover the own pods, naming what they need', () => {
    expect(problems({ ...prodStrict, isolation: { resourceQuota: { 'limits.cpu': '8' } } })).toEqual([
      {
        source: 'vclusters/team-a.ts',
        field: 'isolation.resourceQuota["limits.cpu"]',
        value: '8',
        allowed:
          "a total of at least 9500m: the vcluster's own pods need that much (control plane 3 × 2, etcd 3 × 500m, CoreDNS 2 × 1), and the quota counts them before any tenant pod",
        fix: 'raise it to 9500m plus what tenants need, or remove it and set tenantQuota["limits.cpu"] (added to the own pods\' 9500m)',
      },
    ]);
  });

  test('throws on the same key as a total and a tenant allowance', () => {
    expect(problems({ ...prodStrict, isolation: { resourceQuota: { pods: '50' }, tenantQuota: { pods: '40' } } })).toEqual([
      expect.objectContaining({ field: 'isolation.tenantQuota["pods"]', value: '40', fix: 'keep one of the two' }),
    ]);
  });

  test('throws when the LimitRange default limit is below what an own container requests without a limit', () => {
    const spec: VClusterSpec = {
      ...prodStrict,
      backingStore: {
        etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 }, resources: { requests: { memory: '1Gi' } } } } },
      },
    };
    expect(problems(spec)).toEqual([
      expect.objectContaining({
        field: 'isolation.limitRange.default["memory"]',
        value: '512Mi',
        allowed: expect.stringMatching(/^at least "1Gi": the etcd container requests 1Gi of memory and sets no limit/),
      }),
    ]);
  });

  test('throws when the quota limits a resource an own container sets nothing for and the LimitRange has no default', () => {
    expect(problems({ ...prodStrict, isolation: { tenantQuota: { 'limits.nvidia.com/gpu': '1' } } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'isolation.limitRange.default["nvidia.com/gpu"]' })]),
    );
  });

  test('synthesis fails when values added after the StrictIsolation change the own pods', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', preset: 'prod' });
    const strict = new StrictIsolation(chart, 'strict', { vcluster });
    expect(strict.ownUsage['limits.cpu']).toBe('9500m');
    expect(strict.tenantQuota).toEqual({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      persistentvolumeclaims: '20',
      pods: '100',
    });
    vcluster.addHelmValues('late', { controlPlane: { statefulSet: { highAvailability: { replicas: 5 } } } });
    expect(() => chart.toJson()).toThrow(/resourceQuota: .* is not allowed\. Allowed: the quota for the vcluster's final Helm values/);
  });
});
