/**
 * The platform's `hosts`: what each host cluster runs, checked against argocd.hostClusters and
 * resolved for every host cluster (the defaults where the site says nothing).
 */
import { DEFAULT_HOST_API_VERSIONS, HOST_ANNOTATIONS, hostAnnotations, hostFromAnnotations } from '../../src/declaration/hosts';
import { PlatformConfig, ValidationError, definePlatform } from '../../src';
import { config as fixture } from '../fixtures/integratn/platform';

const TWO_HOSTS = { 'in-cluster': 'https://kubernetes.default.svc', edge: 'https://edge.example.com:6443' };
const site = (hosts: unknown): PlatformConfig =>
  ({ ...fixture, argocd: { ...fixture.argocd, hostClusters: TWO_HOSTS }, hosts }) as PlatformConfig;

function refusal(config: PlatformConfig): string[] {
  try {
    definePlatform(config);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems.map((p) => `${p.field}: ${JSON.stringify(p.value)} → ${p.allowed}`);
  }
  throw new Error('accepted');
}

describe('platform hosts', () => {
  test('every host cluster gets facts: declared ones normalized, the others the defaults', () => {
    const p = definePlatform(
      site({ edge: { kubernetesVersion: 'v1.29', apiVersions: ['cilium.io/v2', 'argoproj.io/v1alpha1', 'cilium.io/v2'] } }),
    );
    expect(p.hosts).toEqual({
      edge: { kubernetesVersion: '1.29.0', apiVersions: ['argoproj.io/v1alpha1', 'cilium.io/v2'] },
      'in-cluster': { kubernetesVersion: '1.30.0', apiVersions: [...DEFAULT_HOST_API_VERSIONS].sort() },
    });
    // what the Application carries, and what verify reads back
    expect(hostAnnotations(p.hosts.edge)).toEqual({
      'vcluster-fleet/host-kubernetes-version': '1.29.0',
      'vcluster-fleet/host-api-versions': 'argoproj.io/v1alpha1,cilium.io/v2',
    });
    expect(hostFromAnnotations(hostAnnotations(p.hosts.edge))).toEqual(p.hosts.edge);
  });

  test('a site without hosts: each host cluster runs the defaults', () => {
    expect(definePlatform(fixture).hosts).toEqual({
      'in-cluster': { kubernetesVersion: '1.30.0', apiVersions: [...DEFAULT_HOST_API_VERSIONS].sort() },
    });
  });

  test('throws on a host that is no host cluster, a bad version, a bad API version or an unknown key', () => {
    expect(
      refusal(
        site({
          prod: { kubernetesVersion: '1.30' },
          edge: { kubernetesVersion: 'latest', apiVersions: ['Cilium.io', 'monitoring.coreos.com/v1/ServiceMonitor', 7], kubeVersion: '1' },
        }),
      ),
    ).toEqual([
      'platform.hosts["prod"]: {"kubernetesVersion":"1.30"} → a host cluster of argocd.hostClusters: in-cluster, edge',
      'platform.hosts["edge"].kubeVersion: "1" → only the keys kubernetesVersion, apiVersions',
      'platform.hosts["edge"].kubernetesVersion: "latest" → the version of the host API server, like "1.30" or "1.30.0"',
      'platform.hosts["edge"].apiVersions[0]: "Cilium.io" → an API version like "cilium.io/v2" or "monitoring.coreos.com/v1/ServiceMonitor"',
      'platform.hosts["edge"].apiVersions[2]: 7 → an API version like "cilium.io/v2" or "monitoring.coreos.com/v1/ServiceMonitor"',
    ]);
    expect(refusal(site('1.30'))).toEqual([
      'platform.hosts: "1.30" → a map from host cluster name (argocd.hostClusters) to { kubernetesVersion, apiVersions }',
    ]);
    expect(refusal(site({ edge: { apiVersions: 'cilium.io/v2' } }))).toEqual([
      'platform.hosts["edge"].kubernetesVersion: undefined → the version of the host API server, like "1.30" or "1.30.0"',
      'platform.hosts["edge"].apiVersions: "cilium.io/v2" → a list of API versions ("group/version" or "group/version/Kind")',
    ]);
  });
});

describe('host annotations', () => {
  test('anything but well-formed host annotations reads as no host', () => {
    const ok = { [HOST_ANNOTATIONS.kubernetesVersion]: '1.31.2', [HOST_ANNOTATIONS.apiVersions]: '' };
    expect(hostFromAnnotations(ok)).toEqual({ kubernetesVersion: '1.31.2', apiVersions: [] });
    expect(hostFromAnnotations(undefined)).toBeUndefined();
    expect(hostFromAnnotations({ [HOST_ANNOTATIONS.kubernetesVersion]: '1.31.2' })).toBeUndefined();
    expect(hostFromAnnotations({ ...ok, [HOST_ANNOTATIONS.kubernetesVersion]: 'latest' })).toBeUndefined();
    expect(hostFromAnnotations({ ...ok, [HOST_ANNOTATIONS.apiVersions]: 'cilium.io/v2,--set x=y' })).toBeUndefined();
  });
});
