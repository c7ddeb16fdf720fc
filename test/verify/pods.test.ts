import { corednsDeployments, podsOf, syncedPodLabels } from '../../src/verify/pods';
import { container, controlPlane, corednsValues, ours, whole, workload } from './fixtures';

describe('pods', () => {
  test('synced pod labels: virtual labels kept, marker and namespace labels added, translated keys hashed', () => {
    const labels = syncedPodLabels('demo', 'kube-system', { 'k8s-app': 'vcluster-kube-dns', release: 'x' });
    expect(labels['k8s-app']).toBe('vcluster-kube-dns');
    expect(labels['vcluster.loft.sh/managed-by']).toBe('demo');
    expect(labels['vcluster.loft.sh/namespace']).toBe('kube-system');
    expect(labels.release).toBeUndefined();
    expect(Object.keys(labels).filter((k) => k.startsWith('vcluster.loft.sh/label-demo-x-'))).toHaveLength(1);
    expect(Object.entries(labels).filter(([k]) => k.startsWith('vcluster.loft.sh/ns-label-demo-x-'))).toEqual([
      [expect.stringMatching(/^vcluster\.loft\.sh\/ns-label-demo-x-[0-9a-f]{10}$/), 'kube-system'],
    ]);
  });

  test('CoreDNS from the chart values: replicas, resources, extra pod labels; none when disabled or embedded', () => {
    const [d] = corednsDeployments(
      corednsValues(2, { deployment: { replicas: 2, resources: { limits: { cpu: '1' } }, pods: { labels: { team: 'dns' } } } }),
    );
    expect((d.spec as any).replicas).toBe(2);
    expect((d.spec as any).template.metadata.labels).toEqual({ 'k8s-app': 'vcluster-kube-dns', team: 'dns' });
    expect((d.spec as any).template.spec.containers[0].resources).toEqual({ limits: { cpu: '1' } });
    expect(corednsDeployments({ controlPlane: { coredns: { enabled: false } } })).toEqual([]);
    expect(corednsDeployments({ controlPlane: { coredns: { embedded: true } } })).toEqual([]);
    const custom = corednsDeployments({
      controlPlane: {
        coredns: {
          overwriteManifests:
            'kind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: my-dns, namespace: kube-system}\nspec: {replicas: 3}\n',
        },
      },
    });
    expect(custom.map((x) => (x.metadata as any).name)).toEqual(['my-dns']);
  });

  test('podsOf: replicas and surge per kind, synced CoreDNS in the host namespace', () => {
    const deploy = ours(
      workload('Deployment', 'web', { app: 'web' }, 4, [container('w')], { strategy: { rollingUpdate: { maxSurge: '50%' } } }),
    );
    const job = ours(workload('Job', 'once', { app: 'once' }, 1, [container('j')], { parallelism: 2 }));
    const pods = podsOf(whole([controlPlane(3), deploy, job], corednsValues(2)));
    expect(pods.map((p) => [p.what, p.namespace, p.replicas, p.surge, p.synced])).toEqual([
      ['StatefulSet/demo', 'demo', 3, 0, false],
      ['Deployment/web', 'demo', 4, 2, false],
      ['Job/once', 'demo', 2, 0, false],
      ['CoreDNS (Deployment kube-system/coredns inside the vcluster)', 'demo', 2, 1, true],
    ]);
  });
});
