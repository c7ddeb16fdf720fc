import { pdbSelectsPod, routeBackendExists, serviceSelectsPod } from '../../../src/verify/invariants/selects-workload';
import { Json } from '../../../src/verify/model';
import { NS, RELEASE, chart, controlPlane, etcd, ours, whole } from '../fixtures';

const pdb = (name: string, matchLabels: Json) =>
  ours({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: NS },
    spec: { minAvailable: 2, selector: { matchLabels } },
  });
const service = (name: string, selector: Json | undefined, ports = [443]) =>
  chart({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector, ports: ports.map((port) => ({ port })) },
  });
const route = (backendRefs: Json[]) =>
  ours({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'TLSRoute',
    metadata: { name: 'api', namespace: NS },
    spec: { rules: [{ backendRefs }] },
  });

describe('pdb-selects-pod / service-selects-pod', () => {
  test('violated: an etcd PDB and a Service without etcd', () => {
    const v = whole([
      controlPlane(),
      pdb('etcd', { app: 'vcluster-etcd' }),
      service('demo-etcd', { app: 'vcluster-etcd', release: RELEASE }),
    ]);
    expect(pdbSelectsPod.check(v).map((x) => [x.object, x.message])).toEqual([
      ['PodDisruptionBudget/etcd', 'selector app=vcluster-etcd selects no pod of namespace demo: it protects no pod'],
    ]);
    expect(serviceSelectsPod.check(v).map((x) => [x.object, x.message])).toEqual([
      ['Service/demo-etcd', 'selector app=vcluster-etcd,release=demo selects no pod of namespace demo: it has no endpoints'],
    ]);
  });

  test('holds: selectors of pods that exist; Services without selector', () => {
    const v = whole([
      controlPlane(),
      etcd(),
      pdb('etcd', { app: 'vcluster-etcd' }),
      service('demo', { app: 'vcluster' }),
      service('external', undefined),
    ]);
    expect(pdbSelectsPod.check(v)).toEqual([]);
    expect(serviceSelectsPod.check(v)).toEqual([]);
  });
});

describe('route-backend-exists', () => {
  test('violated: a backend Service the vcluster lacks, and a port it does not serve', () => {
    const v = whole([
      service('demo', { app: 'vcluster' }),
      route([
        { name: 'demo-api', port: 443 },
        { name: 'demo', port: 8443 },
      ]),
    ]);
    expect(routeBackendExists.check(v).map((x) => x.message)).toEqual([
      'spec.rules[0].backendRefs[0] names Service demo/demo-api, which the vcluster does not have',
      'spec.rules[0].backendRefs[1] names port 8443 of Service demo/demo, which serves 443',
    ]);
  });

  test('holds: the chart Service and port; other kinds and namespaces are not checked', () => {
    const v = whole([
      service('demo', { app: 'vcluster' }),
      route([
        { name: 'demo', port: 443 },
        { kind: 'Backend', group: 'example.com', name: 'x' },
        { name: 'y', namespace: 'other' },
      ]),
    ]);
    expect(routeBackendExists.check(v)).toEqual([]);
  });
});
