/**
 * Objects that point at pods or Services point at something that exists:
 * - a PodDisruptionBudget selects at least one pod (one that selects nothing protects nothing);
 * - a Service with a selector selects at least one pod (else it has no endpoints);
 * - a Gateway API route's Service backend exists in the vcluster with the port it names.
 */
import { Invariant, Json, Violation, WholeVCluster, at, listAt, namespaceOf, nameOf, ofKind, violation } from '../model';
import { podsOf } from '../pods';
import { describeSelector, isEmptySelector, selects, serviceSelector } from '../selectors';
import { podCatalog } from './netpol-selects-pod';

/** Violations of objects of `kind` whose selector (from `selectorOf`) selects no pod of their namespace. */
function selectNothing(
  v: WholeVCluster,
  id: string,
  kind: string,
  group: string,
  selectorOf: (obj: Json) => unknown,
  effect: string,
): Violation[] {
  const out: Violation[] = [];
  const targets = ofKind(v, kind, group);
  if (!targets.length) return out;
  const pods = podsOf(v);
  for (const m of targets) {
    const sel = selectorOf(m.obj);
    if (sel === undefined || isEmptySelector(sel)) continue;
    const namespace = namespaceOf(m.obj, v.namespace);
    const here = pods.filter((p) => p.namespace === namespace);
    if (here.some((p) => selects(sel, p.labels))) continue;
    out.push(
      violation(
        id,
        v,
        m,
        `selector ${describeSelector(sel)} selects no pod of namespace ${namespace}: it ${effect}`,
        `select labels a pod there carries (${podCatalog(here) || 'no pod runs there'})`,
      ),
    );
  }
  return out;
}

/** Gateway API route kinds whose rules name `backendRefs`. */
const ROUTES = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

function routeBackends(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  const services = ofKind(v, 'Service', '');
  for (const m of v.objects.filter(
    (x) => ROUTES.includes(String(x.obj.kind)) && String(x.obj.apiVersion).startsWith('gateway.networking.k8s.io/'),
  )) {
    const namespace = namespaceOf(m.obj, v.namespace);
    listAt(m.obj, 'spec', 'rules').forEach((rule, i) =>
      listAt(rule, 'backendRefs').forEach((ref: Json, j) => {
        if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return;
        const ns = typeof ref.namespace === 'string' ? ref.namespace : namespace;
        if (ns !== namespace) return;
        const svc = services.find((s) => nameOf(s.obj) === ref.name && namespaceOf(s.obj, v.namespace) === ns);
        const ports = svc ? listAt(svc.obj, 'spec', 'ports').map((p) => p.port) : [];
        const where = `spec.rules[${i}].backendRefs[${j}]`;
        if (!svc) {
          const names = services.map((s) => nameOf(s.obj)).join(', ');
          out.push(
            violation(
              'route-backend-exists',
              v,
              m,
              `${where} names Service ${ns}/${String(ref.name)}, which the vcluster does not have`,
              `point it at one of its Services (${names || 'none'})`,
            ),
          );
        } else if (ref.port !== undefined && !ports.includes(ref.port)) {
          out.push(
            violation(
              'route-backend-exists',
              v,
              m,
              `${where} names port ${String(ref.port)} of Service ${ns}/${String(ref.name)}, which serves ${ports.join(', ') || 'no port'}`,
              `use one of its ports (${ports.join(', ')})`,
            ),
          );
        }
      }),
    );
  }
  return out;
}

/** PodDisruptionBudgets select pods that exist. */
export const pdbSelectsPod: Invariant = {
  id: 'pdb-selects-pod',
  summary: 'every PodDisruptionBudget selects a pod that exists',
  check: (v) => selectNothing(v, 'pdb-selects-pod', 'PodDisruptionBudget', 'policy', (o) => at(o, 'spec', 'selector'), 'protects no pod'),
};

/** Services with a selector select pods that exist. */
export const serviceSelectsPod: Invariant = {
  id: 'service-selects-pod',
  summary: 'every Service with a selector selects a pod that exists',
  check: (v) => selectNothing(v, 'service-selects-pod', 'Service', '', serviceSelector, 'has no endpoints'),
};

/** Gateway API routes point at Services (and ports) the vcluster has. */
export const routeBackendExists: Invariant = {
  id: 'route-backend-exists',
  summary: 'every Gateway API route backend is a Service of the vcluster, with the port it names',
  check: routeBackends,
};
