/**
 * The object counts a ResourceQuota limits besides pods: PersistentVolumeClaims (and their
 * storage) of the StatefulSets' volume claim templates and our own claims, and Services (ours, the
 * chart's and the `kube-dns` Service the syncer copies out of the vcluster).
 */
import { Json, Manifest, Violation, WholeVCluster, at, listAt, namespaceOf, objAt, ofKind, refOf, violation } from '../model';
import { corednsDeployments } from '../pods';
import { formatQuantity, parseQuantity, tidy } from '../quantity';

/** One object (or template) counted against a key. */
interface Item {
  readonly what: string;
  readonly n: number;
  readonly amount: number;
}

function claims(v: WholeVCluster, namespace: string): Array<{ what: string; n: number; storage: number }> {
  const out: Array<{ what: string; n: number; storage: number }> = [];
  for (const m of ofKind(v, 'StatefulSet', 'apps').filter((x) => namespaceOf(x.obj, v.namespace) === namespace)) {
    const replicas = typeof at(m.obj, 'spec', 'replicas') === 'number' ? (at(m.obj, 'spec', 'replicas') as number) : 1;
    for (const t of listAt(m.obj, 'spec', 'volumeClaimTemplates')) {
      out.push({
        what: `${refOf(m.obj)} claim ${String(at(t, 'metadata', 'name'))}`,
        n: replicas,
        storage: parseQuantity(at(t, 'spec', 'resources', 'requests', 'storage')) ?? 0,
      });
    }
  }
  for (const m of ofKind(v, 'PersistentVolumeClaim', '').filter((x) => namespaceOf(x.obj, v.namespace) === namespace)) {
    out.push({ what: refOf(m.obj), n: 1, storage: parseQuantity(at(m.obj, 'spec', 'resources', 'requests', 'storage')) ?? 0 });
  }
  return out;
}

function services(v: WholeVCluster, namespace: string): Array<{ what: string; type: string; nodePorts: number }> {
  const nodePorts = (s: Json) => {
    const type = String(at(s, 'spec', 'type') ?? 'ClusterIP');
    const allocates = type === 'NodePort' || (type === 'LoadBalancer' && at(s, 'spec', 'allocateLoadBalancerNodePorts') !== false);
    return allocates ? listAt(s, 'spec', 'ports').length : 0;
  };
  const out = ofKind(v, 'Service', '')
    .filter((m) => namespaceOf(m.obj, v.namespace) === namespace)
    .map((m) => ({ what: refOf(m.obj), type: String(at(m.obj, 'spec', 'type') ?? 'ClusterIP'), nodePorts: nodePorts(m.obj) }));
  const synced = at(v.values, 'sync', 'toHost', 'services', 'enabled') !== false && namespace === v.namespace;
  if (synced && corednsDeployments(v.values).length) {
    const spec = objAt(v.values, 'controlPlane', 'coredns', 'service', 'spec');
    out.push({
      what: 'Service kube-system/kube-dns (synced from inside the vcluster)',
      type: String(spec.type ?? 'ClusterIP'),
      nodePorts: nodePorts({ spec }),
    });
  }
  return out;
}

/** Items counted against an object-count quota key, or undefined for keys this module does not know. */
function itemsOf(v: WholeVCluster, namespace: string, key: string): Item[] | undefined {
  switch (key) {
    case 'persistentvolumeclaims':
    case 'count/persistentvolumeclaims':
      return claims(v, namespace).map((c) => ({ what: c.what, n: c.n, amount: 1 }));
    case 'requests.storage':
      return claims(v, namespace).map((c) => ({ what: c.what, n: c.n, amount: c.storage }));
    case 'services':
    case 'count/services':
      return services(v, namespace).map((s) => ({ what: s.what, n: 1, amount: 1 }));
    case 'services.loadbalancers':
      return services(v, namespace).map((s) => ({ what: s.what, n: 1, amount: s.type === 'LoadBalancer' ? 1 : 0 }));
    case 'services.nodeports':
      return services(v, namespace).map((s) => ({ what: s.what, n: 1, amount: s.nodePorts }));
    default:
      return undefined;
  }
}

/**
 * A checker for the object-count keys of the quotas of `namespace`: a violation when the
 * vcluster's own objects need more than the quota allows.
 */
export function objectCounts(v: WholeVCluster, namespace: string): (q: Manifest, key: string, hard: number) => Violation | undefined {
  return (q, key, hard) => {
    const items = (itemsOf(v, namespace, key) ?? []).filter((i) => i.amount > 0);
    const own = tidy(items.reduce((s, i) => s + i.n * i.amount, 0));
    if (own <= hard) return undefined;
    const parts = items.map((i) => `${i.what} ${i.n} × ${formatQuantity(key, i.amount)}`).join(' + ');
    return violation(
      'quota-fits',
      v,
      q,
      `the vcluster's own objects need ${key} ${formatQuantity(key, own)} (${parts}) but the quota allows ${formatQuantity(key, hard)}: some are refused`,
      `raise ${key} to at least ${formatQuantity(key, own)}`,
    );
  };
}
