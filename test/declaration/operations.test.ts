/**
 * The operations add-ons a declaration resolves to (alerts, etcd budget, snapshots, volume
 * cleanup) by deletion policy, backing store and site; and the site's AppProject labels.
 */
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { Platform, PlatformConfig, VClusterSpec, definePlatform, resolveDeclaration } from '../../src';
import { Problems } from '../../src/validation';
import { find, platform, render } from '../util';

function resolve(spec: VClusterSpec, site: Platform = platform) {
  const p = new Problems();
  const r = resolveDeclaration(p, spec, site);
  expect(p.list).toEqual([]);
  return r;
}

test('vcluster-media (retained, 3-member etcd): budget, snapshots to the site target, alerts with snapshots; no cleanup hook', () => {
  const r = resolve(media);
  expect(r.etcdDisruptionBudget).toBe(true);
  expect(r.pvCleanup).toBeUndefined();
  expect(r.etcdSnapshot).toEqual({
    schedule: '45 3 * * *',
    timeZone: 'Etc/UTC',
    retentionDays: 14,
    nfs: { server: '10.0.0.12', path: '/mnt/user/kube_storage', folder: 'backups' },
    runAsUser: 65534,
    maxAgeHours: 26,
    shellImage: 'docker.io/alpine/k8s:1.34.3',
    policyLabels: { 'platform.integratn.tech/type': 'vcluster-policy' },
  });
  expect(r.alerts).toEqual({
    argocdNamespace: 'argocd',
    remoteHost: false,
    kubeconfigSync: 'pushSecret',
    etcdSnapshot: true,
    etcdSnapshotMaxAgeHours: 26,
    runbookUrl: 'https://github.com/jamesatintegratnio/vcluster-fleet/blob/main/README.md',
    ruleLabels: { release: 'kube-prometheus-stack' },
    namespace: undefined,
  });
});

test('sandbox (deleted with its file, embedded store): the cleanup hook and alerts only', () => {
  const r = resolve(sandbox);
  expect(r.etcdDisruptionBudget).toBe(false);
  expect(r.etcdSnapshot).toBeUndefined();
  expect(r.pvCleanup).toEqual({ image: 'docker.io/alpine/k8s:1.34.3', cilium: true, kubeApiCidrs: undefined, kubeApiPort: undefined });
  expect(r.alerts).toMatchObject({ etcdSnapshot: false, remoteHost: false });
});

test('a vcluster on another host cluster: alerts know its bootstrap is split', () => {
  const site: Platform = {
    ...platform,
    argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, far: 'https://far.example.com:6443' } },
  };
  expect(resolve({ ...sandbox, hostCluster: 'far' }, site).alerts?.remoteHost).toBe(true);
});

test('a site without alerts or snapshot target resolves neither', () => {
  const site: Platform = { ...platform, backups: {}, monitoring: { ...platform.monitoring, alerts: false } };
  const r = resolve(media, site);
  expect(r.alerts).toBeUndefined();
  expect(r.etcdSnapshot).toBeUndefined();
  expect(r.etcdDisruptionBudget).toBe(true);
});

describe('AppProject labels (platform projectLabels)', () => {
  test("this site's AppProjects carry the original's project group", () => {
    expect(find(render(media), 'AppProject', 'vcluster-media').metadata.labels).toEqual({ 'argocd.argoproj.io/project-group': 'appteam' });
    expect(find(render(sandbox), 'AppProject', 'vcluster-sandbox').metadata.labels).toEqual({
      'argocd.argoproj.io/project-group': 'appteam',
    });
  });

  test('the platform refuses an invalid project label', () => {
    const config: PlatformConfig = {
      baseDomain: 'example.com',
      argocd: { repoURL: 'https://github.com/example/fleet.git' },
      secretStore: { name: 'store' },
      onePassword: { vault: 'v', connectHost: 'https://connect.example.com' },
      integrations: { clusterIssuerSelectorLabels: {}, clusterStoreSelectorLabels: {} },
      registration: { workloadRepo: { url: 'https://github.com/example/w' }, labels: () => ({}), annotations: () => ({}) },
      network: { apiClientCidrs: [] },
    };
    expect(definePlatform(config).projectLabels).toEqual({});
    expect(() => definePlatform({ ...config, projectLabels: { 'argocd.argoproj.io/project-group': 'app team' } })).toThrow(
      /projectLabels\["argocd\.argoproj\.io\/project-group"\]: "app team" is not allowed/,
    );
  });
});
