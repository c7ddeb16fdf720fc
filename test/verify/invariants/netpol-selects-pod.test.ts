import { netpolSelectsPod } from '../../../src/verify/invariants/netpol-selects-pod';
import { Json } from '../../../src/verify/model';
import { NS, RELEASE, controlPlane, corednsValues, etcd, ours, whole, workload, container, chart } from '../fixtures';

const netpol = (name: string, spec: Json) =>
  ours({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: NS }, spec });
const cnp = (name: string, spec: Json) =>
  ours({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: NS }, spec });

describe('netpol-selects-pod', () => {
  test('holds: selectors of the control plane, etcd and synced CoreDNS; empty selectors are skipped', () => {
    const v = whole(
      [
        controlPlane(),
        etcd(),
        netpol('etcd', {
          podSelector: { matchLabels: { app: 'vcluster-etcd', release: RELEASE } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'vcluster' } } }] }],
          egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['vcluster-etcd'] }] } }] }],
        }),
        netpol('all', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
        cnp('dns', { endpointSelector: { matchLabels: { 'k8s:k8s-app': 'vcluster-kube-dns', 'k8s:io.kubernetes.pod.namespace': NS } } }),
        cnp('cp', {
          endpointSelector: { matchLabels: { app: 'vcluster' } },
          ingress: [{ fromEndpoints: [{ matchLabels: { 'vcluster.loft.sh/managed-by': RELEASE } }] }],
        }),
      ],
      corednsValues(2),
    );
    expect(netpolSelectsPod.check(v)).toEqual([]);
  });

  test('violated: a podSelector and a same-namespace peer that match no pod', () => {
    const v = whole([
      controlPlane(),
      netpol('etcd', {
        podSelector: { matchLabels: { app: 'vcluster-etcd' } },
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'api' } } },
              { namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { app: 'other-ns' } } },
            ],
          },
        ],
      }),
    ]);
    const out = netpolSelectsPod.check(v);
    expect(out.map((x) => [x.object, x.message])).toEqual([
      ['NetworkPolicy/etcd', 'spec.podSelector (app=vcluster-etcd) selects no pod of namespace demo'],
      ['NetworkPolicy/etcd', 'ingress[0].from[0].podSelector (app=api) selects no pod of namespace demo'],
    ]);
    expect(out[0]).toMatchObject({ invariant: 'netpol-selects-pod', vcluster: 'demo', file: 'dist/demo/host/networkpolicy-etcd.yaml' });
    expect(out[0].fix).toContain('StatefulSet/demo {app=vcluster, release=demo}');
  });

  test('violated: a Cilium endpointSelector for CoreDNS when CoreDNS is off, and one pinned to a source that is no pod', () => {
    const v = whole([
      controlPlane(),
      cnp('dns', { endpointSelector: { matchLabels: { 'k8s-app': 'vcluster-kube-dns' } } }),
      cnp('reserved', { endpointSelector: { matchLabels: { 'reserved:host': '' } } }),
    ]);
    expect(netpolSelectsPod.check(v).map((x) => x.message)).toEqual([
      'spec.endpointSelector (k8s-app=vcluster-kube-dns) selects no pod of namespace demo',
      'spec.endpointSelector (reserved:host=) selects no pod of namespace demo',
    ]);
  });

  test('holds: our Job pods count; a peer pinned to another namespace is not checked', () => {
    const job = ours(workload('Job', 'merge', { app: 'merge' }, 1, [container('m')]));
    const v = whole([
      chart({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'x' } }),
      job,
      cnp('job', {
        endpointSelector: { matchLabels: { app: 'merge' } },
        egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }] }],
      }),
    ]);
    expect(netpolSelectsPod.check(v)).toEqual([]);
  });
});
