import { apiServedInvariant, noSecretManifestInvariant, replicateServicesNoopInvariant } from '../../../src/verify/invariants/host-basics';
import { DEFAULT_HOST } from '../../../src/verify/host';
import { NS, RELEASE, chart, ours, whole } from '../fixtures';

describe('api-served', () => {
  test('violated: a ServiceMonitor on a host without the Prometheus Operator', () => {
    const v = {
      ...whole([chart({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'vc-demo' } })]),
      host: { kubernetesVersion: '1.30.0', apiVersions: ['argoproj.io/v1alpha1'] },
    };
    expect(apiServedInvariant.check(v).map((x) => x.message)).toEqual([
      'apiVersion monitoring.coreos.com/v1 is not served by the host (Kubernetes 1.30.0, API versions argoproj.io/v1alpha1): the sync fails',
    ]);
  });

  test('holds: built-in groups and listed CRD versions (group/version or group/version/Kind)', () => {
    const objs = [
      chart({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'a' } }),
      ours({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'b' } }),
    ];
    expect(apiServedInvariant.check(whole(objs))).toEqual([]);
    expect(
      apiServedInvariant.check({
        ...whole(objs),
        host: { kubernetesVersion: '1.30.0', apiVersions: ['cilium.io/v2/CiliumNetworkPolicy'] },
      }),
    ).toEqual([]);
    expect(DEFAULT_HOST.apiVersions).toContain('monitoring.coreos.com/v1');
  });
});

describe('no-secret-manifest', () => {
  test('violated by a Secret of ours, not by the chart config Secret', () => {
    const v = whole([
      ours({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops', namespace: NS } }),
      chart({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `vc-config-${RELEASE}` } }),
    ]);
    expect(noSecretManifestInvariant.check(v).map((x) => x.object)).toEqual(['Secret/oops']);
    expect(noSecretManifestInvariant.check(whole([]))).toEqual([]);
  });
});

describe('replicate-services-noop', () => {
  test('violated: replicating into default/kubernetes; holds for other targets', () => {
    const values = {
      networking: {
        replicateServices: {
          fromHost: [
            { from: 'default/kubernetes', to: 'default/kubernetes' },
            { from: 'db/postgres', to: 'default/postgres' },
          ],
        },
      },
    };
    expect(replicateServicesNoopInvariant.check(whole([], values)).map((x) => [x.object, x.message])).toEqual([
      [
        'values',
        "networking.replicateServices.fromHost replicates default/kubernetes into default/kubernetes, the vcluster's own API Service, which the service syncer never overwrites (no controlled-by label): this does nothing",
      ],
    ]);
    expect(
      replicateServicesNoopInvariant.check(
        whole([], { networking: { replicateServices: { fromHost: [{ from: 'db/postgres', to: 'default/postgres' }] } } }),
      ),
    ).toEqual([]);
  });
});
