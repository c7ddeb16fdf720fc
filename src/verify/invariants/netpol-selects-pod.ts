/**
 * Every non-empty selector of a NetworkPolicy or CiliumNetworkPolicy that picks pods of the
 * vcluster's own namespace selects at least one pod that exists there: a policy whose selector
 * matches nothing silently protects (or opens) nothing.
 */
import { Invariant, Json, Manifest, Violation, WholeVCluster, at, listAt, namespaceOf, objAt, ofKind, violation } from '../model';
import { PodModel, podsOf } from '../pods';
import { ciliumNamespace, ciliumSelects, describeSelector, isEmptySelector, selects } from '../selectors';

const ID = 'netpol-selects-pod';
const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Labels of the pods, for the fix text (hashed syncer keys left out). */
export function podCatalog(pods: readonly PodModel[]): string {
  return pods
    .map((p) => {
      const labels = Object.entries(p.labels).filter(([k]) => !/^vcluster\.loft\.sh\/(ns-)?label-/.test(k));
      return `${p.what} {${labels.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
    })
    .join('; ');
}

/** One selector to check: where it sits, the selector and the namespace whose pods it picks. */
interface Check {
  readonly where: string;
  readonly selector: unknown;
  readonly cilium: boolean;
}

/** Same-namespace pod peers of a NetworkPolicy rule list (`from`/`to` entries). */
function netpolPeers(spec: Json, direction: 'ingress' | 'egress', namespace: string): Check[] {
  const out: Check[] = [];
  listAt(spec, direction).forEach((rule, i) => {
    listAt(rule, direction === 'ingress' ? 'from' : 'to').forEach((peer, j) => {
      if (!('podSelector' in peer)) return;
      const ns = at(peer, 'namespaceSelector');
      const own = ns === undefined || objAt(ns, 'matchLabels')[NS_NAME_LABEL] === namespace;
      if (own)
        out.push({
          where: `${direction}[${i}].${direction === 'ingress' ? 'from' : 'to'}[${j}].podSelector`,
          selector: peer.podSelector,
          cilium: false,
        });
    });
  });
  return out;
}

/** Same-namespace endpoint peers of a Cilium rule list. */
function ciliumPeers(spec: Json, prefix: string, namespace: string): Check[] {
  const out: Check[] = [];
  for (const [direction, field] of [
    ['ingress', 'fromEndpoints'],
    ['egress', 'toEndpoints'],
  ] as const) {
    listAt(spec, direction).forEach((rule, i) =>
      listAt(rule, field).forEach((sel, j) => {
        const ns = ciliumNamespace(sel);
        if (ns === undefined || ns === namespace)
          out.push({ where: `${prefix}${direction}[${i}].${field}[${j}]`, selector: sel, cilium: true });
      }),
    );
  }
  return out;
}

function checksOf(m: Manifest, namespace: string): Check[] {
  const spec = objAt(m.obj, 'spec');
  if (m.obj.kind === 'NetworkPolicy') {
    return [
      { where: 'spec.podSelector', selector: spec.podSelector, cilium: false },
      ...netpolPeers(spec, 'ingress', namespace),
      ...netpolPeers(spec, 'egress', namespace),
    ];
  }
  const specs =
    'endpointSelector' in spec ? [{ s: spec, p: 'spec.' }] : listAt(spec, 'specs').map((s, i) => ({ s, p: `spec.specs[${i}].` }));
  return specs.flatMap(({ s, p }) => [
    { where: `${p}endpointSelector`, selector: s.endpointSelector, cilium: true },
    ...ciliumPeers(s, p, namespace),
  ]);
}

function check(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  const policies = [...ofKind(v, 'NetworkPolicy', 'networking.k8s.io'), ...ofKind(v, 'CiliumNetworkPolicy', 'cilium.io')];
  if (!policies.length) return out;
  const pods = podsOf(v);
  for (const m of policies) {
    const namespace = namespaceOf(m.obj, v.namespace);
    const here = pods.filter((p) => p.namespace === namespace);
    for (const c of checksOf(m, namespace)) {
      if (c.selector === undefined || isEmptySelector(c.selector)) continue;
      const hit = here.some((p) => (c.cilium ? ciliumSelects(c.selector, p.labels, namespace) : selects(c.selector, p.labels)));
      if (hit) continue;
      out.push(
        violation(
          ID,
          v,
          m,
          `${c.where} (${describeSelector(c.selector)}) selects no pod of namespace ${namespace}`,
          `select labels a pod there carries (${podCatalog(here) || 'no pod runs there'}), or drop the policy`,
        ),
      );
    }
  }
  return out;
}

/** NetworkPolicy / CiliumNetworkPolicy selectors select pods that exist. */
export const netpolSelectsPod: Invariant = {
  id: ID,
  summary: 'every non-empty (Cilium)NetworkPolicy pod selector of the namespace selects a pod that exists',
  check,
};
